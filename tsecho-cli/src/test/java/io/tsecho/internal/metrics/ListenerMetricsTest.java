package io.tsecho.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.tsecho.config.Listener;
import io.tsecho.internal.server.CloseReason;
import io.tsecho.internal.server.ListenerEvents.Refusal;
import io.tsecho.internal.server.UdpDrops;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ListenerMetricsTest {
  private final ListenerMetrics metrics = new ListenerMetrics(Listener.parse("stamp/tcp/127.0.0.1:0"));

  @Test
  void eachEventLandsInItsOwnCount() {
    metrics.accepted(null);
    metrics.accepted(null);
    metrics.received(null, 100);
    metrics.replied(null, 3, 181);
    metrics.refused(null, Refusal.ACCESS_DENIED);
    metrics.closed(null, CloseReason.IDLE_TIMEOUT);
    metrics.proxyHeader(null, true);
    metrics.proxyHeader(null, false);
    metrics.proxyHeader(null, false);
    metrics.tlsHandshake(null, true);
    metrics.tlsHandshake(null, false);
    metrics.datagramReceived(null, 7);
    metrics.datagramReplied(null, 34);
    metrics.datagramDropped(null, UdpDrops.Reason.SOURCE_RATE);
    metrics.datagramDropped(null, UdpDrops.Reason.SOURCE_RATE);

    ListenerMetrics.Snapshot counts = metrics.snapshot();
    assertThat(counts.get(ListenerMetrics.ACCEPTED)).isEqualTo(2);
    assertThat(counts.get(ListenerMetrics.RECEIVED_BYTES)).isEqualTo(107);
    assertThat(counts.get(ListenerMetrics.SENT_BYTES)).isEqualTo(215);
    assertThat(counts.get(ListenerMetrics.REPLIES)).isEqualTo(4);
    assertThat(counts.get(ListenerMetrics.DATAGRAMS_RECEIVED)).isEqualTo(1);
    assertThat(counts.get(ListenerMetrics.PROXY_ACCEPTED)).isEqualTo(1);
    assertThat(counts.get(ListenerMetrics.PROXY_REJECTED)).isEqualTo(2);
    assertThat(counts.get(ListenerMetrics.TLS_SUCCEEDED)).isEqualTo(1);
    assertThat(counts.get(ListenerMetrics.TLS_FAILED)).isEqualTo(1);
    for (Refusal refusal : Refusal.values()) {
      assertThat(counts.refused(refusal)).as(refusal.name()).isEqualTo(refusal == Refusal.ACCESS_DENIED ? 1 : 0);
    }
    for (CloseReason reason : CloseReason.values()) {
      assertThat(counts.closed(reason)).as(reason.name()).isEqualTo(reason == CloseReason.IDLE_TIMEOUT ? 1 : 0);
    }
    for (UdpDrops.Reason reason : UdpDrops.Reason.values()) {
      assertThat(counts.dropped(reason)).as(reason.name()).isEqualTo(reason == UdpDrops.Reason.SOURCE_RATE ? 2 : 0);
    }
  }

  @Test
  void openConnectionsAreAcceptedOnesNotYetClosedOrRefusedBehindTheAccept() {
    for (int i = 0; i < 5; i++) {
      metrics.accepted(null);
    }
    metrics.closed(null, CloseReason.PEER_CLOSED);
    metrics.refused(null, Refusal.ACCESS_DENIED);
    metrics.refused(null, Refusal.TOO_MANY_FROM_SOURCE);
    // Refused over --max-connections before any accept: it never counted as open.
    metrics.refused(null, Refusal.TOO_MANY_CONNECTIONS);

    assertThat(metrics.snapshot().open()).isEqualTo(2);
  }

  @Test
  void countsFromEveryEventLoopAreSummed() throws Exception {
    EventLoop[] loops = {new DefaultEventLoop(), new DefaultEventLoop(), new DefaultEventLoop()};
    try {
      for (EventLoop loop : loops) {
        loop.submit(() -> {
          for (int i = 0; i < 1000; i++) {
            metrics.accepted(loop);
            metrics.received(loop, 10);
            metrics.replied(loop, 1, 37);
            metrics.closed(loop, CloseReason.PEER_CLOSED);
          }
        }).get(10, TimeUnit.SECONDS);
      }
    } finally {
      for (EventLoop loop : loops) {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
      }
    }
    ListenerMetrics.Snapshot counts = metrics.snapshot();
    assertThat(counts.get(ListenerMetrics.ACCEPTED)).isEqualTo(3000);
    assertThat(counts.get(ListenerMetrics.RECEIVED_BYTES)).isEqualTo(30_000);
    assertThat(counts.get(ListenerMetrics.REPLIES)).isEqualTo(3000);
    assertThat(counts.get(ListenerMetrics.SENT_BYTES)).isEqualTo(111_000);
    assertThat(counts.closed(CloseReason.PEER_CLOSED)).isEqualTo(3000);
    assertThat(counts.open()).as("the loops' threads are gone; their counts stay").isZero();
  }

  /**
   * Scrapes while two loops open and close connections as fast as they can: no count ever goes back,
   * and no close is seen without its accept.
   */
  @Test
  void scrapesWhileLoopsCountNeverSeeACountGoBackOrMoreClosesThanAccepts() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    EventLoop[] loops = {new DefaultEventLoop(), new DefaultEventLoop()};
    try {
      for (EventLoop loop : loops) {
        loop.execute(() -> {
          for (int i = 0; i < 20_000_000 && !stop.get(); i++) {
            metrics.accepted(loop);
            metrics.received(loop, 5);
            metrics.closed(loop, CloseReason.PEER_CLOSED);
          }
        });
      }
      long lastAccepted = 0;
      long lastClosed = 0;
      long lastBytes = 0;
      for (int scrape = 0; scrape < 20_000; scrape++) {
        ListenerMetrics.Snapshot counts = metrics.snapshot();
        assertThat(counts.open()).as("scrape %d", scrape).isNotNegative();
        assertThat(counts.get(ListenerMetrics.ACCEPTED)).isGreaterThanOrEqualTo(lastAccepted);
        assertThat(counts.closed(CloseReason.PEER_CLOSED)).isGreaterThanOrEqualTo(lastClosed);
        assertThat(counts.get(ListenerMetrics.RECEIVED_BYTES)).isGreaterThanOrEqualTo(lastBytes);
        lastAccepted = counts.get(ListenerMetrics.ACCEPTED);
        lastClosed = counts.closed(CloseReason.PEER_CLOSED);
        lastBytes = counts.get(ListenerMetrics.RECEIVED_BYTES);
      }
    } finally {
      stop.set(true);
      for (EventLoop loop : loops) {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
      }
    }
  }
}
