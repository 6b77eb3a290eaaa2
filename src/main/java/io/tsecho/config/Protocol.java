package io.tsecho.config;

import java.util.Locale;

/** The socket type a listener uses. */
public enum Protocol {
  TCP,
  UDP;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Protocol parse(String name) {
    for (Protocol p : values()) {
      if (p.cliName().equalsIgnoreCase(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("'" + name + "' is not a protocol; use tcp or udp");
  }
}
