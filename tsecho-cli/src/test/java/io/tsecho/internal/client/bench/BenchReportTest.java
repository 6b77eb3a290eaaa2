package io.tsecho.internal.client.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.internal.metrics.LatencySummary;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's text and JSON, from figures the test chooses. */
class BenchReportTest {
  private static LatencySummary micros(double p50, double p99) {
    return new LatencySummary(1000, 1, p50, p50, p50, p99, p99, p99, p99, 1);
  }

  private static BenchReport report(LatencySummary latency, LatencySummary sendLag, boolean stopped) {
    return new BenchReport("127.0.0.1:21566", "tcp", "stamp", 20, 1, 64, sendLag == null ? 0 : 20000,
        Duration.ofSeconds(2), 40000, 2_560_000, 3_640_000, 0, 0, 0, 0, 0, 0, latency, sendLag, stopped, Map.of());
  }

  @Test
  void aFixedRateRunReportsItsSendLagAndWarnsWhenItIsMoreThanATenthOfTheLatency() {
    BenchReport late = report(micros(40, 100), micros(5, 10.5), false);
    assertThat(late.generatorLate()).isTrue();
    assertThat(late.lines()).containsExactly(
        "tsecho bench 127.0.0.1:21566 over tcp (stamp): 20 connection(s) x 1 in flight, 64-byte requests,"
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
  void aRunStoppedEarlySaysSo() {
    BenchReport stopped = report(micros(40, 100), null, true);
    assertThat(stopped.lines().get(1)).endsWith(" MB/s in (stopped early)");
    assertThat(stopped.json()).contains(",\"stopped\":true,\"ok\":true}");
  }
}
