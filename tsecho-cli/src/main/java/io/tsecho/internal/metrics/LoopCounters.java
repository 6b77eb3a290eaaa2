package io.tsecho.internal.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The counts of one listener made on one event loop. Only that loop's thread writes them, so an
 * increment is a plain read and a release store: no lock, no atomic read-modify-write, and on x86
 * the same instructions as a plain field. A scrape on another thread reads them with acquire
 * loads and may see values a few events old, never torn ones and never older than it saw before.
 */
final class LoopCounters {
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

  /**
   * A cache line of padding on each side: the arrays of two loops may end up side by side after a
   * garbage collection moves them, and two loops writing one cache line would slow both.
   */
  private static final int PAD = 8;

  private final long[] counts;

  LoopCounters(int slots) {
    this.counts = new long[PAD + slots + PAD];
  }

  /** Adds to a count; called only on the owning loop's thread. */
  void add(int slot, long n) {
    int i = PAD + slot;
    SLOT.setRelease(counts, i, counts[i] + n);
  }

  /** A count as last published by the owning loop; any thread. */
  long get(int slot) {
    return (long) SLOT.getAcquire(counts, PAD + slot);
  }
}
