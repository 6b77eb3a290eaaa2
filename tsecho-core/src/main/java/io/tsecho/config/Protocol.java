package io.tsecho.config;

import java.util.Locale;

/** What a listener speaks on its socket. */
public enum Protocol {
  TCP,
  UDP,
  /** TCP with TLS on top. */
  TLS;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the listener's socket is a TCP stream (TCP or TLS) rather than UDP datagrams. */
  public boolean isStream() {
    return this != UDP;
  }

  /** The kind of socket underneath: TLS listeners take TCP ports. */
  public Protocol socket() {
    return this == TLS ? TCP : this;
  }

  public static Protocol parse(String name) {
    for (Protocol p : values()) {
      if (p.cliName().equalsIgnoreCase(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("'" + name + "' is not a protocol; use tcp, udp or tls");
  }
}
