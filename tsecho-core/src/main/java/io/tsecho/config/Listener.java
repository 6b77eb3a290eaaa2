package io.tsecho.config;

import java.util.Objects;

/**
 * One socket the server listens on, written {@code SERVICE/PROTOCOL/ADDRESS:PORT}, for example
 * {@code stamp/tcp/[::]:21566}, {@code time/udp/0.0.0.0:3737} or {@code echo/tcp/*:7}.
 *
 * @param host address or name to bind, or {@code null} for every address (written {@code *})
 * @param port 0 picks a free port, shared by the listeners on the same address that also ask for 0
 */
public record Listener(Service service, Protocol protocol, String host, int port) {

  public static final String SYNTAX = "SERVICE/PROTOCOL/ADDRESS:PORT, e.g. stamp/tcp/[::]:21566 or time/udp/*:3737";

  public Listener {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(protocol, "protocol");
    Checks.requireRange("port", port, 0, 65_535);
  }

  /**
   * Parses {@code SERVICE/PROTOCOL/ADDRESS:PORT}.
   *
   * @throws IllegalArgumentException naming the malformed part
   */
  public static Listener parse(String spec) {
    String[] parts = spec.split("/", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("listener '" + spec + "' must be " + SYNTAX);
    }
    Service service;
    Protocol protocol;
    try {
      service = Service.parse(parts[0]);
      protocol = Protocol.parse(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("listener '" + spec + "': " + e.getMessage());
    }
    String address = parts[2];
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("listener '" + spec + "': '" + address + "' needs a port, as ADDRESS:PORT");
    }
    String host = address.substring(0, colon);
    String portText = address.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("listener '" + spec + "': port '" + portText + "' is not a number");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("listener '" + spec + "': port must be between 0 and 65535, got " + port);
    }
    if (host.startsWith("[") != host.endsWith("]")) {
      throw new IllegalArgumentException("listener '" + spec + "': unbalanced brackets in '" + host + "'");
    }
    String written = host;
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("listener '" + spec + "': write an IPv6 address in brackets, as [" + host + "]:" + port);
    }
    if (host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
      throw new IllegalArgumentException("listener '" + spec + "': stray bracket in '" + written + "'");
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("listener '" + spec + "': the address is empty; use * for every address");
    }
    return new Listener(service, protocol, host.equals("*") ? null : host, port);
  }

  /** The spelling {@link #parse} reads, with a given port. */
  public String describe(String shownAddress) {
    return service.cliName() + "/" + protocol.cliName() + "/" + shownAddress;
  }

  @Override
  public String toString() {
    String h = host == null ? "*" : host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return describe(h + ":" + port);
  }
}
