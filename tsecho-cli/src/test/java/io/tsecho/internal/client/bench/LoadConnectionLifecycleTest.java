package io.tsecho.internal.client.bench;

import static io.tsecho.internal.client.bench.EmbeddedLoad.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.tsecho.internal.client.bench.EmbeddedLoad.Settings;
import io.tsecho.internal.client.bench.LoopStats.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** When a load connection gives up on requests, stops sending, finishes, and what it counts on the way. */
class LoadConnectionLifecycleTest {
  private static final long SECOND = 1_000_000_000L;

  private static Settings settings(int depth, long requests) {
    Settings s = new Settings();
    s.depth = depth;
    s.requests = requests;
    return s;
  }

  /** A run at a fixed rate (the pacer the test makes sets the slots; the rate only has to be one). */
  private static Settings paced(int depth, long requests) {
    Settings s = settings(depth, requests);
    s.rate = 1;
    return s;
  }

  @Test
  void requestsOlderThanTheReplyTimeOutAreMissingAndMakeRoomForMore() {
    try (EmbeddedLoad load = new EmbeddedLoad(settings(2, 0)).start(0)) {
      assertThat(load.sent()).hasSize(2);
      load.now = T0 + 5 * SECOND;
      load.connection.expire(load.now);
      assertThat(load.sent()).as("exactly as old as the time-out").isEmpty();
      assertThat(load.snapshot().counts().missing()).isZero();
      load.now = T0 + 5 * SECOND + 1;
      load.connection.expire(load.now);
      assertThat(load.snapshot().counts().missing()).isEqualTo(2);
      assertThat(load.sent()).extracting(l -> l.substring(0, 16))
          .containsExactly("0003000000000002", "0003000000000003");
    }
  }

  @Test
  void aRequestThatWaitedForRoomATimeOutMadeLeavesWithoutLag() {
    try (EmbeddedLoad load = new EmbeddedLoad(paced(1, 0))) {
      Pacer pacer = load.paced(0, 500);
      pacer.pump(load.now);
      assertThat(load.sent()).hasSize(1);
      load.now = T0 + 5 * SECOND + 100;
      pacer.pump(load.now); // slots are due, but request 0 holds the only place until it times out
      assertThat(load.sent()).isEmpty();
      load.connection.expire(load.now);
      assertThat(load.sent()).hasSize(1);
      Snapshot s = load.snapshot();
      assertThat(s.sendLag().getTotalCount()).isEqualTo(2);
      assertThat(s.sendLag().getMaxValue()).as("each left as soon as there was room").isZero();
    }
  }

  @Test
  void theLastReplyOfItsShareFinishesTheConnectionAtThatTime() throws Exception {
    try (EmbeddedLoad load = new EmbeddedLoad(settings(1, 2)).start(2)) {
      load.now = T0 + 100;
      load.answer(load.sent().get(0));
      assertThat(load.run.awaitFinished(0)).isFalse();
      assertThat(load.snapshot().anyFinished()).isFalse();
      load.now = T0 + 250;
      load.answer(load.sent().get(0));
      assertThat(load.sent()).isEmpty();
      assertThat(load.run.awaitFinished(0)).isTrue();
      Snapshot s = load.snapshot();
      assertThat(s.anyFinished()).isTrue();
      assertThat(s.lastFinishNanos()).isEqualTo(T0 + 250);
    }
  }

  @Test
  void aConnectionWithNothingOwedFinishesWhenTheScheduleEnds() throws Exception {
    try (EmbeddedLoad load = new EmbeddedLoad(paced(4, 0))) {
      Pacer pacer = load.paced(0, 4 * SECOND); // 10 s measured: slots at 0, 4 and 8 s
      for (long slot = 0; slot < 3; slot++) {
        load.now = T0 + slot * 4 * SECOND;
        pacer.pump(load.now);
        load.answer(load.sent().get(0));
      }
      assertThat(load.run.awaitFinished(0)).isFalse();
      load.now = T0 + 12 * SECOND;
      pacer.pump(load.now);
      assertThat(pacer.over()).isTrue();
      assertThat(load.sent()).isEmpty();
      assertThat(load.run.awaitFinished(0)).isTrue();
    }
  }

  @Test
  void whenItsOnlyConnectionHasSpentItsShareThePacerStops() throws Exception {
    try (EmbeddedLoad load = new EmbeddedLoad(paced(1, 2))) {
      Pacer pacer = load.paced(2, 500);
      for (long slot = 0; slot < 2; slot++) {
        load.now = T0 + slot * 500;
        pacer.pump(load.now);
        load.answer(load.sent().get(0));
      }
      assertThat(pacer.over()).as("the share is spent, but no slot has told it yet").isFalse();
      load.now = T0 + 1_000;
      pacer.pump(load.now);
      assertThat(load.sent()).isEmpty();
      assertThat(load.run.awaitFinished(0)).isTrue();
      assertThat(pacer.over()).isTrue();
    }
  }

  @Test
  void aStopBetweenSlotsFinishesAConnectionThatIsOwedNothing() throws Exception {
    try (EmbeddedLoad load = new EmbeddedLoad(paced(1, 0))) {
      Pacer pacer = load.paced(0, 500);
      pacer.pump(load.now);
      load.answer(load.sent().get(0));
      assertThat(load.run.awaitFinished(0)).isFalse();
      load.run.stop();
      load.connection.stopSending();
      assertThat(load.run.awaitFinished(0)).isTrue();
    }
  }

  @Test
  void overTls13ARefusalBeforeTheFirstReplyIsCountedOnceAndClosesTheConnection() {
    try (EmbeddedLoad load = new EmbeddedLoad(settings(1, 0)).start(0)) {
      load.connection.overTls13();
      SSLHandshakeException refusal = new SSLHandshakeException("certificate required");
      load.channel.pipeline().fireExceptionCaught(refusal);
      // A second error on its way out (the closed channel has let go of its pipeline, so straight to the handler).
      load.connection.exceptionCaught(load.connection.ctx, new SSLHandshakeException("again"));
      assertThat(load.run.tlsRefusals()).isEqualTo(1);
      assertThat(load.run.tlsRefusal()).isSameAs(refusal);
      assertThat(load.channel.isActive()).isFalse();
      assertThat(load.snapshot().counts().connectionsLost()).isEqualTo(1);
    }
  }

  @Test
  void anErrorAfterTheFirstReplyIsNoRefusal() {
    try (EmbeddedLoad load = new EmbeddedLoad(settings(1, 0)).start(0)) {
      load.connection.overTls13();
      load.answer(load.sent().get(0));
      load.channel.pipeline().fireExceptionCaught(new SSLHandshakeException("late"));
      assertThat(load.run.tlsRefusals()).isZero();
      assertThat(load.channel.isActive()).isFalse();
    }
  }

  @Test
  void anErrorBelowTls13OrAfterTheRunLetGoIsNoRefusal() {
    try (EmbeddedLoad tls12 = new EmbeddedLoad(settings(1, 0)).start(0)) {
      tls12.channel.pipeline().fireExceptionCaught(new SSLHandshakeException("certificate required"));
      assertThat(tls12.run.tlsRefusals()).isZero();
      assertThat(tls12.channel.isActive()).isFalse();
    }
    try (EmbeddedLoad abandoned = new EmbeddedLoad(settings(1, 0)).start(0)) {
      abandoned.connection.overTls13();
      abandoned.connection.abandon();
      abandoned.channel.pipeline().fireExceptionCaught(new SSLHandshakeException("certificate required"));
      assertThat(abandoned.run.tlsRefusals()).isZero();
      assertThat(abandoned.snapshot().counts().connectionsLost()).isZero();
    }
  }

  @Test
  void theEndOfTheConnectionIsPassedOnDownThePipeline() {
    List<String> seen = new ArrayList<>();
    ChannelInboundHandlerAdapter next = new ChannelInboundHandlerAdapter() {
      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        seen.add("inactive");
      }
    };
    try (EmbeddedLoad load = new EmbeddedLoad(settings(1, 0), next).start(0)) {
      load.channel.close();
      assertThat(seen).containsExactly("inactive");
    }
  }

  @Test
  void theWarmUpIsNotMeasuredButItsRequestsAreNotCountedAgainstTheShare() throws Exception {
    Settings s = settings(1, 1);
    s.warmup = Duration.ofNanos(1_000);
    try (EmbeddedLoad load = new EmbeddedLoad(s).start(1)) {
      load.now = T0 + 400;
      load.answer(load.sent().get(0)); // meant for T0: warm-up
      load.now = T0 + 1_000;
      load.answer(load.sent().get(0)); // meant for T0 + 400: warm-up
      load.now = T0 + 1_300;
      load.answer(load.sent().get(0)); // meant for T0 + 1000: the share's one request
      assertThat(load.sent()).isEmpty();
      Snapshot snap = load.snapshot();
      assertThat(snap.counts().ok()).isEqualTo(1);
      assertThat(snap.counts().bytesSent()).isEqualTo(64);
      assertThat(snap.warmupLatency().getTotalCount()).isEqualTo(2);
      assertThat(snap.latency().getMaxValue()).isEqualTo(300);
      assertThat(load.run.awaitFinished(0)).isTrue();
    }
  }
}
