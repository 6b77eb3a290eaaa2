package io.tsecho.internal.client.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import io.tsecho.internal.client.bench.LoopStats.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One load connection on an embedded channel, with a clock the test moves by hand. */
class LoadConnectionTest {
  private static final long T0 = -7_000_000_000L; // any origin will do, negative included
  private static final String STAMP = "[Tue Jan  9 21:14:00 2018] ";

  private long now = T0;
  private BenchRun run;
  private EmbeddedChannel channel;
  private LoadConnection connection;

  private void open(long requests, int depth, Duration warmup, double rate) {
    BenchOptions options = new BenchOptions("127.0.0.1", 1, 1, depth, 64, Duration.ofSeconds(10), requests, warmup,
        false, rate, 1, Duration.ofSeconds(5), Duration.ofSeconds(5), Service.STAMP, Transport.NIO);
    run = new BenchRun(options, () -> now);
    connection = new TcpLoadConnection(run, 3);
    channel = new EmbeddedChannel(connection);
    run.begin(now, 1);
  }

  /** A timed run whose one connection sends at {@code depth} in flight, a slot every {@code periodNanos} from T0. */
  private Pacer paced(int depth, long periodNanos) {
    open(0, depth, Duration.ZERO, 1e9 / periodNanos);
    Pacer pacer = new Pacer(run, List.of(connection), T0, periodNanos);
    connection.start(0, pacer, 0);
    return pacer;
  }

  @AfterEach
  void close() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  /** The requests written since the last call, one line each, newline included. */
  private List<String> sent() {
    List<String> lines = new ArrayList<>();
    ByteBuf b;
    while ((b = channel.readOutbound()) != null) {
      String text = b.toString(US_ASCII);
      b.release();
      for (String line : text.split("(?<=\n)")) {
        lines.add(line);
      }
    }
    return lines;
  }

  private void answer(String request) {
    channel.writeInbound(Unpooled.copiedBuffer(STAMP + request, US_ASCII));
  }

  private Snapshot snapshot() {
    return connection.stats.snapshot(LoopStats.Histograms.empty());
  }

  @Test
  void aClosedLoopSendsExactlyItsShareAndFinishes() throws Exception {
    open(5, 2, Duration.ZERO, 0);
    connection.start(5, null, 0);
    List<String> all = new ArrayList<>();
    List<String> out = sent();
    while (!out.isEmpty()) {
      assertThat(out.size()).isLessThanOrEqualTo(2);
      all.addAll(out);
      now += 700; // histograms are exact below 2048 ns
      for (String request : out) {
        answer(request);
      }
      out = sent();
    }
    assertThat(all).hasSize(5).allMatch(l -> l.length() == 64 && l.startsWith("0003"));
    assertThat(all.get(4)).startsWith("0003000000000004 ");
    Snapshot s = snapshot();
    assertThat(s.counts().ok()).isEqualTo(5);
    assertThat(s.counts().bytesSent()).isEqualTo(5 * 64);
    assertThat(s.latency().getTotalCount()).isEqualTo(5);
    assertThat(s.latency().getMaxValue()).isEqualTo(700);
    assertThat(s.sendLag().getTotalCount()).as("a closed loop has no schedule to lag behind").isZero();
    assertThat(run.awaitFinished(0)).isTrue();
  }

  @Test
  void theFirstMeasuredReplyIsInTheMeasuredHistogramAndWarmUpRepliesAreNot() throws Exception {
    open(2, 1, Duration.ofNanos(1_000), 0);
    connection.start(2, null, 0);
    String warm = sent().get(0); // starts at T0, before the end of the warm-up
    now = T0 + 1_500;
    answer(warm);
    String first = sent().get(0);
    now = T0 + 1_600;
    answer(first);
    String second = sent().get(0);
    now = T0 + 1_700;
    answer(second);
    assertThat(sent()).as("the share of 2 is spent").isEmpty();
    Snapshot s = snapshot();
    assertThat(s.warmupLatency().getTotalCount()).isEqualTo(1);
    assertThat(s.warmupLatency().getMaxValue()).isEqualTo(1_500);
    assertThat(s.latency().getTotalCount()).isEqualTo(2);
    assertThat(s.counts().ok()).isEqualTo(2);
    assertThat(s.counts().bytesSent()).isEqualTo(128);
    assertThat(run.awaitFinished(0)).isTrue();
  }

  @Test
  void atAFixedRateEachRequestLeavesAtItsSlotAndItsLagIsRecorded() {
    Pacer pacer = paced(4, 500);
    assertThat(sent()).isEmpty();
    now = T0 + 200;
    pacer.pump(now);
    assertThat(sent()).hasSize(1);
    now = T0 + 499;
    pacer.pump(now);
    assertThat(sent()).isEmpty();
    now = T0 + 1_600;
    pacer.pump(now);
    List<String> burst = sent();
    assertThat(burst).extracting(l -> l.substring(0, 17))
        .containsExactly("0003000000000001 ", "0003000000000002 ", "0003000000000003 ");
    Snapshot s = snapshot();
    assertThat(s.sendLag().getTotalCount()).isEqualTo(4);
    assertThat(s.sendLag().getMinValue()).isEqualTo(100);   // slot 3, meant for T0 + 1500
    assertThat(s.sendLag().getMaxValue()).isEqualTo(1_100); // slot 1, meant for T0 + 500
    assertThat(s.sendLag().getMean()).isEqualTo((200 + 1_100 + 600 + 100) / 4.0);
  }

  @Test
  void aRequestThatWaitedForRoomChargesTheServerNotTheGenerator() {
    Pacer pacer = paced(1, 500);
    pacer.pump(now);
    String r0 = sent().get(0);
    now = T0 + 1_200;
    pacer.pump(now); // slots 1 and 2 are due, but request 0 still holds the only place
    assertThat(sent()).isEmpty();
    now = T0 + 1_300;
    answer(r0);
    String r1 = sent().get(0);
    now = T0 + 1_400;
    answer(r1);
    assertThat(sent()).hasSize(1);
    Snapshot s = snapshot();
    assertThat(s.sendLag().getMaxValue()).as("each left as soon as there was room").isZero();
    assertThat(s.latency().getTotalCount()).isEqualTo(2);
    assertThat(s.latency().getMinValue()).as("request 1, meant for T0 + 500").isEqualTo(900);
    assertThat(s.latency().getMaxValue()).as("request 0").isEqualTo(1_300);
  }

  @Test
  void theScheduleEndsAtTheFirstSlotPastTheMeasuredTime() throws Exception {
    // 10 s measured: slots every 4 s fall at 0, 4 and 8 s; the one at 12 s does not start.
    Pacer pacer = paced(4, 4_000_000_000L);
    now = T0 + 13_000_000_000L;
    pacer.pump(now);
    List<String> out = sent();
    assertThat(out).hasSize(3);
    assertThat(pacer.over()).isTrue();
    for (String request : out) {
      answer(request);
    }
    assertThat(run.awaitFinished(0)).isTrue();
  }

  @Test
  void aLostConnectionIsCountedAndFinishesItsShare() throws Exception {
    open(100, 2, Duration.ZERO, 0);
    connection.start(100, null, 0);
    assertThat(sent()).hasSize(2);
    channel.close();
    Snapshot s = snapshot();
    assertThat(s.counts().connectionsLost()).isEqualTo(1);
    assertThat(s.counts().missing()).isEqualTo(2);
    assertThat(run.awaitFinished(0)).isTrue();
  }

  @Test
  void anAbandonedConnectionIsNotLost() {
    open(100, 2, Duration.ZERO, 0);
    connection.start(100, null, 0);
    assertThat(sent()).hasSize(2);
    connection.abandon();
    channel.close();
    Snapshot s = snapshot();
    assertThat(s.counts().connectionsLost()).isZero();
    assertThat(s.counts().missing()).isEqualTo(2);
  }

  @Test
  void afterAStopNothingStartsAndOwedRepliesAreStillCounted() throws Exception {
    open(100, 2, Duration.ZERO, 0);
    connection.start(100, null, 0);
    List<String> out = sent();
    run.stop();
    connection.stopSending();
    for (String request : out) {
      answer(request);
    }
    assertThat(sent()).isEmpty();
    assertThat(snapshot().counts().ok()).isEqualTo(2);
    assertThat(run.awaitFinished(0)).isTrue();
  }

  @Test
  void connectionsOnTwoLoopsInterleaveIntoOneEvenStream() {
    open(0, 1, Duration.ZERO, 1000);
    List<LoadConnection> two = List.of(new TcpLoadConnection(run, 0), new TcpLoadConnection(run, 2));
    Pacer loop0 = Pacer.of(run, two, 0, 4, 1000);
    Pacer loop1 = Pacer.of(run, two, 1, 4, 1000);
    assertThat(loop0.intendedNanos(0, 0) - T0).isEqualTo(0);
    assertThat(loop1.intendedNanos(0, 0) - T0).isEqualTo(1_000_000);
    assertThat(loop0.intendedNanos(1, 0) - T0).isEqualTo(2_000_000);
    assertThat(loop1.intendedNanos(1, 0) - T0).isEqualTo(3_000_000);
    assertThat(loop0.intendedNanos(0, 1) - T0).isEqualTo(4_000_000);
  }
}
