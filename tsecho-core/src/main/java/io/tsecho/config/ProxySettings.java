package io.tsecho.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Whether TCP connections start with a PROXY protocol header (v1 or v2) naming the real client, and
 * whom that is believed from.
 *
 * @param mode off, optional (read a header when there is one) or required
 * @param trustedSources the addresses allowed to send a header; a header from anywhere else is refused
 * @param timeout how long a connection may take to send its header
 */
public record ProxySettings(Mode mode, List<Cidr> trustedSources, Duration timeout) {
  /** When a PROXY header is read. */
  public enum Mode {
    OFF,
    OPTIONAL,
    REQUIRED;

    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Mode parse(String name) {
      for (Mode m : values()) {
        if (m.cliName().equalsIgnoreCase(name)) {
          return m;
        }
      }
      throw new IllegalArgumentException("'" + name + "' is not a PROXY protocol mode; use off, optional or required");
    }
  }

  /** Loopback only: a proxy on this machine. */
  public static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"));
  public static final ProxySettings OFF = new ProxySettings(Mode.OFF, LOOPBACK, Duration.ofSeconds(3));

  public ProxySettings {
    Objects.requireNonNull(mode, "mode");
    trustedSources = List.copyOf(trustedSources);
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("proxy timeout must be between 1 ms and 10 min, got " + timeout.toMillis() + " ms");
    }
    if (mode != Mode.OFF && trustedSources.isEmpty()) {
      throw new IllegalArgumentException("--proxy-protocol " + mode.cliName() + " needs at least one --proxy-from");
    }
  }

  /** Whether a header from this address is believed. */
  public boolean trusts(InetAddress address) {
    for (Cidr block : trustedSources) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
