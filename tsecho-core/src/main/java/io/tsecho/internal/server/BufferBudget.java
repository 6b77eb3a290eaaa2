package io.tsecho.internal.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide budget of bytes held for clients: partial lines, input read but not yet
 * answered, and replies queued for sending, over every connection and listener. Connections
 * reserve from it when what they hold grows and give back when it shrinks, so a connection that
 * holds nothing between read batches costs it nothing. Thread-safe.
 */
public final class BufferBudget {
  private final long limit;
  private final AtomicLong used = new AtomicLong();

  /** @param limit the most bytes all connections may hold at once */
  public BufferBudget(long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("buffer budget must be positive, got " + limit);
    }
    this.limit = limit;
  }

  /** Reserves {@code bytes} if the budget has room for them; reserves nothing otherwise. */
  boolean tryReserve(long bytes) {
    if (used.addAndGet(bytes) > limit) {
      used.addAndGet(-bytes);
      return false;
    }
    return true;
  }

  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  /** Bytes reserved now, over all connections. */
  public long used() {
    return used.get();
  }

  public long limit() {
    return limit;
  }
}
