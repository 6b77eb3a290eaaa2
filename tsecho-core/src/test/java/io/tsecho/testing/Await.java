package io.tsecho.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for what a test caused to show on the server's side, whose bookkeeping may lag the bytes a
 * client has already seen.
 */
public final class Await {
  /** Room for a loaded 2-core machine; it only bounds a failing test. */
  public static final Duration LIMIT = Duration.ofSeconds(20);

  private Await() {}

  /** Returns once the condition holds; fails, naming what it waited for, after {@link #LIMIT}. */
  public static void until(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("still waiting after " + LIMIT.toSeconds() + " s until " + what);
      }
      Thread.sleep(10);
    }
  }
}
