package io.tsecho.config;

import java.util.Locale;

/** What a listener serves. */
public enum Service {
  /** Each message comes back as {@code "[" + timestamp + "] " + message}. */
  STAMP,
  /** RFC 862: bytes come back unchanged. */
  ECHO,
  /** RFC 867: the date and time as a line of text. */
  DAYTIME,
  /** RFC 868: seconds since 1900-01-01 UTC as an unsigned 32-bit big-endian number. */
  TIME,
  /**
   * Each message comes back stamped, after the name of the instance that answered and the
   * addresses it saw: for telling which server behind a load balancer answered, and whom it saw.
   */
  WHOAMI;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a name as written on the command line, or explains what is accepted. */
  public static Service parse(String name) {
    for (Service s : values()) {
      if (s.cliName().equalsIgnoreCase(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("'" + name + "' is not a service; use stamp, echo, daytime, time or whoami");
  }

  /** Whether each message is answered with a stamp in front: stamp and whoami, framed alike. */
  public boolean isStamped() {
    return this == STAMP || this == WHOAMI;
  }
}
