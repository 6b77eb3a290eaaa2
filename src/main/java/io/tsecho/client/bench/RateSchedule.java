package io.tsecho.client.bench;

/**
 * When each request of an open-loop run is meant to leave: request {@code i} of the whole run at
 * {@code start + i / rate}. Connection {@code k} of {@code c} sends requests {@code k, k + c, k + 2c, ...},
 * so the connections interleave into one even stream. Latency is measured from these intended times,
 * so a server that stalls is charged for every request it held up (coordinated omission, as wrk2
 * corrects it), not just the one in flight.
 */
public final class RateSchedule {
  private final long startNanos;
  private final double nanosPerRequest;
  private final int connections;

  public RateSchedule(long startNanos, double requestsPerSecond, int connections) {
    if (!(requestsPerSecond > 0)) {
      throw new IllegalArgumentException("rate must be positive, got " + requestsPerSecond);
    }
    this.startNanos = startNanos;
    this.nanosPerRequest = 1e9 / requestsPerSecond;
    this.connections = connections;
  }

  /** The intended send time of the {@code n}-th request (from 0) of connection {@code k}. */
  public long intendedNanos(int k, long n) {
    long index = k + n * connections;
    return startNanos + (long) (index * nanosPerRequest);
  }

  /** How many of connection {@code k}'s requests are due by {@code nowNanos}, counting from request 0. */
  public long dueBy(int k, long nowNanos) {
    if (nowNanos < startNanos) {
      return 0;
    }
    double index = (nowNanos - startNanos) / nanosPerRequest; // the last global index due
    long last = (long) Math.floor(index);
    if (last < k) {
      return 0;
    }
    return (last - k) / connections + 1;
  }
}
