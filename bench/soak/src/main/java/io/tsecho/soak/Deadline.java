package io.tsecho.soak;

import java.util.concurrent.TimeUnit;

/** The end of a run, on the monotonic clock; brought forward when the server goes away. Thread-safe. */
final class Deadline {
  private volatile long endNanos;

  Deadline(long endNanos) {
    this.endNanos = endNanos;
  }

  boolean passed() {
    return System.nanoTime() - endNanos >= 0;
  }

  /** The earlier of the end of the run and {@code nanos}. */
  long capped(long nanos) {
    return nanos - endNanos < 0 ? nanos : endNanos;
  }

  void endNow() {
    endNanos = System.nanoTime();
  }

  /**
   * Sleeps until {@code untilNanos} or the end of the run, whichever comes first, waking often
   * enough that an early end is seen within a fifth of a second.
   */
  void sleepUntil(long untilNanos) throws InterruptedException {
    while (true) {
      long left = capped(untilNanos) - System.nanoTime();
      if (left <= 0) {
        return;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
    }
  }
}
