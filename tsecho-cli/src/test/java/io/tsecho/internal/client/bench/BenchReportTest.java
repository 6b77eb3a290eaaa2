package io.tsecho.internal.client.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.internal.metrics.LatencySummary;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's text and JSON, from figures the test chooses. */
class BenchReportTest {
  private static LatencySummary micros(double p50, double p99) {
    return new LatencySummary(1000, 1, p50, p50, p50, p99, p99, p99, p99, 1);
  }

  private static BenchReport report(LatencySummary latency, LatencySummary sendLag, boolean stopped) {
    return new BenchReport("127.0.0.1:21566", "tcp", "epoll", "stamp", 20, 1, 64, sendLag == null ? 0 : 20000,
        Duration.ofSeconds(2), 40000, 2_560_000, 3_640_000, 0, 0, 0, 0, 0, 0, latency, sendLag, stopped, Map.of());
  }

  @Test
  void aFixedRateRunReportsItsSendLagAndWarnsWhenItIsMoreThanATenthOfTheLatency() {
    BenchReport late = report(micros(40, 100), micros(5, 10.5), false);
    assertThat(late.generatorLate()).isTrue();
    assertThat(late.lines()).containsExactly(
        "tsecho bench 127.0.0.1:21566 over tcp (stamp, epoll): 20 connection(s) x 1 in flight, 64-byte requests,"
            + " 20000 requests/s scheduled",
        "40000 requests in 2.000 s: 20000 requests/s, 1.28 MB/s out, 1.82 MB/s in",
        "latency (from intended send time) p50 40.0  p90 40.0  p99 100.0  p99.9 100.0  p99.99 100.0  max 100.0 µs",
        "send lag (actual minus intended send time) p50 5.0  p90 5.0  p99 10.5  p99.9 10.5  p99.99 10.5  max 10.5 µs",
        "warning: the load generator sent late: its send-lag p99 (10.5 µs) is more than 10% of the latency p99"
            + " (100.0 µs), so part of that latency is its own; give it more --threads, fewer connections or a lower"
            + " --rate",
        "errors 0: wrong 0, missing 0, extra 0, late 0; connections failed 0, lost 0");
    assertThat(late.json()).contains("\"send_lag\":{\"count\":1000,\"min_us\":1.000,\"mean_us\":5.000,"
        + "\"p50_us\":5.000,").contains(",\"generator_late\":true,\"errors\":");
  }

  @Test
  void aSendLagOfATenthOfTheLatencyIsNoWarning() {
    BenchReport onTime = report(micros(40, 100), micros(5, 10), false);
    assertThat(onTime.generatorLate()).isFalse();
    assertThat(onTime.lines()).noneMatch(l -> l.startsWith("warning"));
    assertThat(onTime.json()).contains(",\"generator_late\":false,");
  }

  @Test
  void aClosedLoopHasNoSendLag() {
    BenchReport closed = report(micros(40, 100), null, false);
    assertThat(closed.lines()).hasSize(4).noneMatch(l -> l.contains("send lag"));
    assertThat(closed.lines().get(2)).startsWith("latency p50 40.0 ");
    assertThat(closed.json()).doesNotContain("send_lag").doesNotContain("generator_late");
  }

  @Test
  void everyKindOfErrorCountsOnceAndAnyErrorOrConnectionFailureFailsTheRun() {
    LatencySummary l = micros(40, 100);
    BenchReport errors = new BenchReport("127.0.0.1:21566", "tcp", "epoll", "stamp", 20, 1, 64, 0,
        Duration.ofSeconds(2), 40000, 0, 0, 1, 20, 300, 4000, 0, 0, l, null, false, Map.of());
    assertThat(errors.errors()).isEqualTo(4321);
    assertThat(errors.failed()).isTrue();
    assertThat(errors.lines().get(3))
        .isEqualTo("errors 4321: wrong 1, missing 20, extra 300, late 4000; connections failed 0, lost 0");
    assertThat(errors.json()).contains("\"errors\":{\"total\":4321,\"wrong\":1,\"missing\":20,\"extra\":300,"
        + "\"late\":4000},\"connections_failed\":0,\"connections_lost\":0,\"stopped\":false,\"ok\":false}");

    BenchReport failedConnection = new BenchReport("127.0.0.1:21566", "tcp", "epoll", "stamp", 20, 1, 64, 0,
        Duration.ofSeconds(2), 40000, 0, 0, 0, 0, 0, 0, 1, 0, l, null, false, Map.of());
    assertThat(failedConnection.errors()).isZero();
    assertThat(failedConnection.failed()).isTrue();
    BenchReport lostConnection = new BenchReport("127.0.0.1:21566", "tcp", "epoll", "stamp", 20, 1, 64, 0,
        Duration.ofSeconds(2), 40000, 0, 0, 0, 0, 0, 0, 0, 1, l, null, false, Map.of());
    assertThat(lostConnection.failed()).isTrue();
    assertThat(report(l, null, false).failed()).isFalse();
  }

  @Test
  void whoamiListsEachInstancesShareOfRepliesAndConnectionsAndTheSpread() {
    Map<String, long[]> instances = new HashMap<>();
    instances.put("pod-b", new long[] {300, 1});
    instances.put("pod-a", new long[] {100, 3});
    BenchReport r = new BenchReport("10.0.0.1:21566", "tcp", "epoll", "whoami", 4, 1, 64, 0, Duration.ofSeconds(1), 400,
        0, 0, 0, 0, 0, 0, 0, 0, micros(40, 100), null, false, instances);
    assertThat(r.spread()).isEqualTo(3.0);
    assertThat(r.lines().subList(4, 7)).containsExactly(
        "instance pod-a: 100 replies (25.0%), 3 connection(s) (75.0%)",
        "instance pod-b: 300 replies (75.0%), 1 connection(s) (25.0%)",
        "spread 3.00 (the largest instance's share of replies over the smallest's, over 2 instance(s))");
    assertThat(r.lines()).hasSize(7);
    assertThat(r.json()).endsWith(",\"instances\":{\"pod-a\":{\"replies\":100,\"connections\":3},"
        + "\"pod-b\":{\"replies\":300,\"connections\":1}},\"spread\":3.000}");
  }

  @Test
  void anInstanceWithoutRepliesOrConnectionsHasNoShareAndNoSpread() {
    Map<String, long[]> instances = Map.of("pod-a", new long[] {0, 0});
    BenchReport r = new BenchReport("10.0.0.1:21566", "tcp", "epoll", "whoami", 1, 1, 64, 0, Duration.ofSeconds(1), 0,
        0, 0, 0, 0, 0, 0, 0, 0, micros(0, 0), null, false, instances);
    assertThat(r.spread()).isZero();
    assertThat(r.lines()).contains("instance pod-a: 0 replies (0.0%), 0 connection(s) (0.0%)",
        "spread 0.00 (the largest instance's share of replies over the smallest's, over 1 instance(s))");
    assertThat(report(micros(40, 100), null, false).spread()).as("no whoami").isZero();
    assertThat(report(micros(40, 100), null, false).json()).doesNotContain("instances").doesNotContain("spread");
  }

  @Test
  void aRunStoppedEarlySaysSo() {
    BenchReport stopped = report(micros(40, 100), null, true);
    assertThat(stopped.lines().get(1)).endsWith(" MB/s in (stopped early)");
    assertThat(stopped.json()).contains(",\"stopped\":true,\"ok\":true}");
  }
}
