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
  TIME;

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
    throw new IllegalArgumentException("'" + name + "' is not a service; use stamp, echo, daytime or time");
  }
}
