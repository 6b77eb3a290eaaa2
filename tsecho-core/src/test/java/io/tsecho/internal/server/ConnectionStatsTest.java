package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionStatsTest {
  @Test
  void countsClosesByReasonAndKeepsThePeaks() {
    ConnectionStats stats = new ConnectionStats();
    assertThat(stats).hasToString("closed:, peak per connection: held 0 B, queued 0 B");
    stats.recordClose(CloseReason.PEER_CLOSED);
    stats.recordClose(CloseReason.PEER_CLOSED);
    stats.recordClose(CloseReason.IDLE_TIMEOUT);
    stats.recordHeld(500);
    stats.recordHeld(300);
    stats.recordQueued(200);
    stats.recordQueued(700);
    stats.recordPieceAnswered();
    assertThat(stats.closed(CloseReason.PEER_CLOSED)).isEqualTo(2);
    assertThat(stats.closed(CloseReason.IDLE_TIMEOUT)).isEqualTo(1);
    assertThat(stats.closed(CloseReason.ERROR)).isZero();
    assertThat(stats.peakHeldPerConnection()).isEqualTo(500);
    assertThat(stats.peakQueuedPerConnection()).isEqualTo(700);
    assertThat(stats.piecesAnswered()).isEqualTo(1);
    assertThat(stats).hasToString("closed: peer closed=2 idle timeout=1, peak per connection: held 500 B, queued 700 B");
  }
}
