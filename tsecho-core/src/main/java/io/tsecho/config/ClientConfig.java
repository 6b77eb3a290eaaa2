package io.tsecho.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a client connects and how long it waits.
 *
 * @param replyTimeout longest wait for the server while a reply is owed
 */
public record ClientConfig(String host, int port, Duration connectTimeout, Duration replyTimeout) {
  public ClientConfig {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    Checks.requireRange("port", port, 1, 65_535);
    requirePositive("connect timeout", connectTimeout);
    requirePositive("timeout", replyTimeout);
  }

  private static void requirePositive(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + " must be between 1 ms and 24 days, got " + d);
    }
  }
}
