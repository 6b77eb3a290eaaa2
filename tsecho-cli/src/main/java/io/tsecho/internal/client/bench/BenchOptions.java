package io.tsecho.internal.client.bench;

import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import java.time.Duration;

/**
 * What a load run does.
 *
 * @param connections TCP connections, or UDP sockets with {@code udp}
 * @param depth requests in flight per connection
 * @param size bytes per request, newline included
 * @param duration measured time; ignored when {@code totalRequests} is set
 * @param totalRequests requests to send in all, 0 to run for {@code duration}
 * @param rate requests per second across all connections, 0 for a closed loop (each reply sends the next)
 * @param threads event-loop threads, 0 for one per core
 * @param replyTimeout a request unanswered this long counts as missing
 */
public record BenchOptions(String host, int port, int connections, int depth, int size, Duration duration,
    long totalRequests, Duration warmup, boolean udp, double rate, int threads, Duration replyTimeout,
    Duration connectTimeout, Service service, Transport transport) {

  public BenchOptions {
    require("connections", connections, 1, 100_000);
    require("depth", depth, 1, 100_000);
    // 65 000 also keeps each reply over UDP, at most 64 bytes longer than its request, in a datagram (65 507).
    require("size", size, Payloads.MIN_SIZE, 65_000);
    require("threads", threads, 0, 1024);
    if (totalRequests < 0) {
      throw new IllegalArgumentException("total requests must be 0 (use the duration) or more, got " + totalRequests);
    }
    if (totalRequests == 0 && (duration.isZero() || duration.isNegative())) {
      throw new IllegalArgumentException("duration must be positive, got " + duration);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warm-up must be 0 or more, got " + warmup);
    }
    if (rate < 0 || Double.isNaN(rate)) {
      throw new IllegalArgumentException("rate must be 0 (closed loop) or more, got " + rate);
    }
    if (service != Service.STAMP && service != Service.ECHO && service != Service.WHOAMI) {
      throw new IllegalArgumentException("bench speaks the stamp, echo or whoami service, not " + service.cliName());
    }
  }

  private static void require(String what, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
