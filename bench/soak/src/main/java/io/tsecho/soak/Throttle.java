package io.tsecho.soak;

import java.io.InterruptedIOException;

/** Paces a reader to a byte rate: after each read it sleeps until the bytes read so far are due. */
final class Throttle {
  static final Throttle NONE = new Throttle(0, null);

  private final double nanosPerByte;
  private final Deadline deadline;
  private final long startNanos = System.nanoTime();
  private long bytes;

  /** @param bytesPerSecond 0 for no limit */
  Throttle(int bytesPerSecond, Deadline deadline) {
    this.nanosPerByte = bytesPerSecond > 0 ? 1e9 / bytesPerSecond : 0;
    this.deadline = deadline;
  }

  void spend(int n) throws InterruptedIOException {
    if (nanosPerByte == 0) {
      return;
    }
    bytes += n;
    try {
      deadline.sleepUntil(startNanos + (long) (bytes * nanosPerByte));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }
}
