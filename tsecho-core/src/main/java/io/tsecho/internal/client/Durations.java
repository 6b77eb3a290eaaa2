package io.tsecho.internal.client;

import java.time.Duration;

/** Durations as people write them on a command line: {@code 250ms}, {@code 5s}, {@code 2m}. */
public final class Durations {
  private Durations() {}

  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0 || ms == 0) {
      return ms + " ms";
    }
    return (ms / 1000) + " s";
  }

  /** The step of a clock reading in its largest whole unit: {@code 1 s}, {@code 1 ms}, {@code 1 µs}, {@code 1 ns}. */
  public static String step(Duration d) {
    long nanos = d.toNanos();
    if (nanos >= 1_000_000_000L) {
      return d.toSeconds() + " s";
    }
    if (nanos >= 1_000_000L) {
      return d.toMillis() + " ms";
    }
    if (nanos >= 1_000L) {
      return nanos / 1_000 + " µs";
    }
    return nanos + " ns";
  }
}
