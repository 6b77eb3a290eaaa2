package io.tsecho.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The admin endpoint ({@code /metrics}, {@code /healthz}, {@code /readyz}) and how the server leaves
 * a load balancer's rotation when it is asked to stop.
 *
 * @param host address to listen on, null for every address
 * @param port the endpoint's TCP port; 0 picks one
 * @param drainDelay after SIGTERM, how long to go on serving with {@code /readyz} failing before
 *     the connections are closed
 */
public record AdminSettings(String host, int port, Duration drainDelay) {
  public AdminSettings {
    Checks.requireRange("admin port", port, 0, 65_535);
    requireDrainDelay(drainDelay);
  }

  /**
   * Checks a drain delay, which also applies without the admin endpoint: a Kubernetes Service takes a
   * terminating pod out of its endpoints by itself, and the delay gives that time to spread.
   *
   * @throws IllegalArgumentException when it is negative or longer than an hour
   */
  public static Duration requireDrainDelay(Duration drainDelay) {
    Objects.requireNonNull(drainDelay, "drainDelay");
    if (drainDelay.isNegative() || drainDelay.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("drain delay must be between 0 and 1 h, got " + drainDelay.toMillis() + " ms");
    }
    return drainDelay;
  }

  /**
   * Parses {@code ADDRESS:PORT}: {@code 127.0.0.1:9090}, {@code [::1]:9090}, or {@code *:9090} for
   * every address.
   *
   * @throws IllegalArgumentException naming the malformed part
   */
  public static AdminSettings parse(String spec, Duration drainDelay) {
    int colon = spec.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("admin address '" + spec + "' needs a port, as ADDRESS:PORT (e.g. 127.0.0.1:9090)");
    }
    String host = spec.substring(0, colon);
    String portText = spec.substring(colon + 1);
    if (!portText.matches("\\d{1,5}")) {
      throw new IllegalArgumentException("admin address '" + spec + "': port '" + portText + "' is not a number");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("admin address '" + spec + "': write an IPv6 address in brackets, as [" + host + "]:" + portText);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("admin address '" + spec + "': the address is empty; use * for every address");
    }
    return new AdminSettings(host.equals("*") ? null : host, Integer.parseInt(portText), drainDelay);
  }
}
