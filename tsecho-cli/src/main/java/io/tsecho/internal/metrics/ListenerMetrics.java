package io.tsecho.internal.metrics;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import io.tsecho.config.Listener;
import io.tsecho.internal.server.CloseReason;
import io.tsecho.internal.server.ListenerEvents;
import io.tsecho.internal.server.UdpDrops;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counts what one listener does, in {@link LoopCounters} of its own on each event loop that serves
 * it, so that the hot path never shares a counter with another thread. A scrape sums them.
 */
final class ListenerMetrics implements ListenerEvents {
  static final int ACCEPTED = 0;
  static final int RECEIVED_BYTES = 1;
  static final int SENT_BYTES = 2;
  static final int REPLIES = 3;
  static final int DATAGRAMS_RECEIVED = 4;
  static final int PROXY_ACCEPTED = 5;
  static final int PROXY_REJECTED = 6;
  static final int TLS_SUCCEEDED = 7;
  static final int TLS_FAILED = 8;
  /** One slot per {@link Refusal}, in its order. */
  static final int REFUSED = 9;
  /** One slot per {@link CloseReason}. */
  static final int CLOSED = REFUSED + Refusal.values().length;
  /** One slot per {@link UdpDrops.Reason}. */
  static final int DROPPED = CLOSED + CloseReason.values().length;
  static final int SLOTS = DROPPED + UdpDrops.Reason.values().length;

  private final Listener listener;
  private volatile InetSocketAddress address;
  /** Every loop's counters, kept after its thread ends so that no count is ever lost. */
  private final List<LoopCounters> loops = new CopyOnWriteArrayList<>();
  /**
   * Each event is reported on the thread of the loop that serves its channel: that thread's own
   * counters are an index into its thread-local table away.
   */
  private final FastThreadLocal<LoopCounters> own = new FastThreadLocal<>() {
    @Override
    protected LoopCounters initialValue() {
      LoopCounters counters = new LoopCounters(SLOTS);
      loops.add(counters);
      return counters;
    }
  };

  ListenerMetrics(Listener listener) {
    this.listener = listener;
  }

  Listener listener() {
    return listener;
  }

  /** The address the listener's socket got, or null before it is bound. */
  InetSocketAddress address() {
    return address;
  }

  @Override
  public void bound(InetSocketAddress address) {
    this.address = address;
  }

  @Override
  public void accepted(EventLoop loop) {
    own.get().add(ACCEPTED, 1);
  }

  @Override
  public void refused(EventLoop loop, Refusal refusal) {
    own.get().add(REFUSED + refusal.ordinal(), 1);
  }

  @Override
  public void closed(EventLoop loop, CloseReason reason) {
    own.get().add(CLOSED + reason.ordinal(), 1);
  }

  @Override
  public void received(EventLoop loop, long bytes) {
    own.get().add(RECEIVED_BYTES, bytes);
  }

  @Override
  public void replied(EventLoop loop, long replies, long bytes) {
    LoopCounters counters = own.get();
    counters.add(REPLIES, replies);
    counters.add(SENT_BYTES, bytes);
  }

  @Override
  public void proxyHeader(EventLoop loop, boolean accepted) {
    own.get().add(accepted ? PROXY_ACCEPTED : PROXY_REJECTED, 1);
  }

  @Override
  public void tlsHandshake(EventLoop loop, boolean succeeded) {
    own.get().add(succeeded ? TLS_SUCCEEDED : TLS_FAILED, 1);
  }

  @Override
  public void datagramReceived(EventLoop loop, long bytes) {
    LoopCounters counters = own.get();
    counters.add(DATAGRAMS_RECEIVED, 1);
    counters.add(RECEIVED_BYTES, bytes);
  }

  @Override
  public void datagramReplied(EventLoop loop, long bytes) {
    LoopCounters counters = own.get();
    counters.add(REPLIES, 1);
    counters.add(SENT_BYTES, bytes);
  }

  @Override
  public void datagramDropped(EventLoop loop, UdpDrops.Reason reason) {
    own.get().add(DROPPED + reason.ordinal(), 1);
  }

  /**
   * Every count, summed over the loops. Snapshots are taken one at a time, so each reads every
   * counter after the previous one did and sees it at least as far along: no count goes backwards
   * from one scrape to the next. Each loop's slots are read from the last to the first, so a
   * connection's close or refusal is never seen without its accept (slot 0, read after them, and
   * published by the same thread before them): {@link Snapshot#open} is never negative.
   */
  synchronized Snapshot snapshot() {
    long[] sums = new long[SLOTS];
    for (LoopCounters counters : loops) {
      for (int slot = SLOTS - 1; slot >= 0; slot--) {
        sums[slot] += counters.get(slot);
      }
    }
    return new Snapshot(sums);
  }

  /** The counts of one listener at one moment. */
  static final class Snapshot {
    private final long[] sums;

    Snapshot(long[] sums) {
      this.sums = sums;
    }

    long get(int slot) {
      return sums[slot];
    }

    long refused(Refusal refusal) {
      return sums[REFUSED + refusal.ordinal()];
    }

    long closed(CloseReason reason) {
      return sums[CLOSED + reason.ordinal()];
    }

    long dropped(UdpDrops.Reason reason) {
      return sums[DROPPED + reason.ordinal()];
    }

    /**
     * Connections accepted and neither closed nor refused yet. Connections over
     * {@code --max-connections} are refused before they are accepted; every other refusal comes
     * from a stage in front of the service, after the accept, and such a connection never reaches
     * the service that reports a close.
     */
    long open() {
      long ended = 0;
      for (CloseReason reason : CloseReason.values()) {
        ended += closed(reason);
      }
      for (Refusal refusal : Refusal.values()) {
        if (refusal != Refusal.TOO_MANY_CONNECTIONS) {
          ended += refused(refusal);
        }
      }
      return sums[ACCEPTED] - ended;
    }
  }
}
