package io.tsecho.testing;

import java.time.Duration;

/**
 * Waits for what a test caused to show on the server's side, whose bookkeeping may lag the bytes a
 * client has already seen.
 */
public final class Await {
  /** Room for a loaded 2-core machine; it only bounds a failing test. */
  public static final Duration LIMIT = Duration.ofSeconds(20);

  private Await() {}

  /** A condition about the server; it may need I/O to be read, such as a scrape of its metrics. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Returns once the condition holds; fails, naming what it waited for, after {@link #LIMIT}. An
   * exception from the condition fails at once.
   */
  public static void until(String what, Condition condition) throws Exception {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("still waiting after " + LIMIT.toSeconds() + " s until " + what);
      }
      Thread.sleep(1); // short: some tests wait once per datagram they send
    }
  }
}
