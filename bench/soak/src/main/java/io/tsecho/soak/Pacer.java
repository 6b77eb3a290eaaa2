package io.tsecho.soak;

import java.util.concurrent.TimeUnit;

/**
 * Hands evenly spaced start times to several threads, for a bounded rate. A pacer that fell more
 * than a second behind (a stalled server) skips the missed slots rather than bursting to catch up.
 * Thread-safe.
 */
final class Pacer {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final long periodNanos;
  private long next = System.nanoTime();

  Pacer(double perSecond) {
    this.periodNanos = (long) (SECOND / perSecond);
  }

  /** Waits for the next slot; false if the run ends first. */
  boolean await(Deadline deadline) throws InterruptedException {
    long slot;
    synchronized (this) {
      long now = System.nanoTime();
      if (now - next > SECOND) {
        next = now;
      }
      slot = next;
      next += periodNanos;
    }
    deadline.sleepUntil(slot);
    return !deadline.passed();
  }
}
