package io.tsecho.client;

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
}
