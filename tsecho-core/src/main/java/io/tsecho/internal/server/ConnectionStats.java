package io.tsecho.internal.server;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the TCP connections of one server did: how many closed for each reason, and the most bytes
 * any one connection held at once. Updated once per connection event, and when a connection holds
 * replies back; never for a message answered at once.
 */
public final class ConnectionStats {
  private final Map<CloseReason, LongAdder> closed = new EnumMap<>(CloseReason.class);
  private final LongAccumulator peakHeld = new LongAccumulator(Math::max, 0);
  private final LongAccumulator peakQueued = new LongAccumulator(Math::max, 0);
  private final LongAdder piecesAnswered = new LongAdder();

  public ConnectionStats() {
    for (CloseReason reason : CloseReason.values()) {
      closed.put(reason, new LongAdder());
    }
  }

  void recordClose(CloseReason reason) {
    closed.get(reason).increment();
  }

  void recordHeld(long bytes) {
    peakHeld.accumulate(bytes);
  }

  void recordQueued(long bytes) {
    peakQueued.accumulate(bytes);
  }

  void recordPieceAnswered() {
    piecesAnswered.increment();
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("closed:");
    closed.forEach((reason, count) -> {
      if (count.sum() > 0) {
        text.append(' ').append(reason.text()).append('=').append(count.sum());
      }
    });
    return text.append(", peak per connection: held ").append(peakHeld.get()).append(" B, queued ")
        .append(peakQueued.get()).append(" B").toString();
  }

  /** Connections closed for this reason so far. */
  public long closed(CloseReason reason) {
    return closed.get(reason).sum();
  }

  /** The most bytes one connection has held at once: partial line, unanswered input and queued replies. */
  public long peakHeldPerConnection() {
    return peakHeld.get();
  }

  /** The most bytes of replies queued for one connection at once, waiting for the client to read them. */
  public long peakQueuedPerConnection() {
    return peakQueued.get();
  }

  /**
   * Trailing pieces answered in auto framing without their newline, because the client paused or
   * closed: each is a place where a line may have been split between two replies.
   */
  public long piecesAnswered() {
    return piecesAnswered.sum();
  }
}
