package io.tsecho.protocol;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads the stamp of a reply, whichever format the server uses: ctime, ISO-8601 or RFC 3339 with
 * any number of fraction digits, or epoch seconds, milliseconds, microseconds or nanoseconds (told
 * apart by their digit count). Each parse says the resolution the stamp carries.
 */
public final class StampParser {
  private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

  private final ZoneId ctimeZone;

  /** @param ctimeZone the zone a ctime stamp is read in: ctime carries none (the server's local time) */
  public StampParser(ZoneId ctimeZone) {
    this.ctimeZone = ctimeZone;
  }

  /** A stamp read as an instant, with the step its text resolves and the name of its format. */
  public record Stamp(Instant instant, Duration resolution, String format) {}

  /**
   * Reads the stamp of a reply {@code "[" + stamp + "] " + payload}.
   *
   * @return null if the reply does not open with a bracketed stamp tsecho can read
   */
  public Stamp parseReply(CharSequence reply) {
    if (reply.length() < 3 || reply.charAt(0) != '[') {
      return null;
    }
    int close = indexOf(reply, "] ");
    return close < 0 ? null : parse(reply.subSequence(1, close).toString());
  }

  private static int indexOf(CharSequence s, String what) {
    return s.toString().indexOf(what);
  }

  /** Reads a bare stamp; null if it is in no format tsecho knows. */
  public Stamp parse(String text) {
    if (text.isEmpty()) {
      return null;
    }
    if (isDigits(text)) {
      return epoch(text);
    }
    try {
      return new Stamp(LocalDateTime.parse(text, CTIME).atZone(ctimeZone).toInstant(), Duration.ofSeconds(1), "ctime");
    } catch (DateTimeParseException ignored) {
      // not ctime
    }
    try {
      OffsetDateTime t = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      String format = text.endsWith("Z") ? "rfc3339" : "iso";
      return new Stamp(t.toInstant(), fractionResolution(text), format);
    } catch (DateTimeParseException ignored) {
      return null;
    }
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Epoch counts: 10 digits are seconds until 2286; 13 milliseconds, 16 microseconds, 19 nanoseconds. */
  private static Stamp epoch(String digits) {
    int n = digits.length();
    if (n > 19 || n == 19 && digits.compareTo(Long.toString(Long.MAX_VALUE)) > 0) {
      return null; // past 2262-04-11, the last nanosecond count a long holds: no clock's stamp
    }
    long v = Long.parseLong(digits);
    if (n <= 11) {
      return new Stamp(Instant.ofEpochSecond(v), Duration.ofSeconds(1), "epoch-s");
    }
    if (n <= 14) {
      return new Stamp(Instant.ofEpochMilli(v), Duration.ofMillis(1), "epoch-ms");
    }
    if (n <= 17) {
      return new Stamp(Instant.ofEpochSecond(v / 1_000_000, (v % 1_000_000) * 1_000), Duration.ofNanos(1_000), "epoch-us");
    }
    return new Stamp(Instant.ofEpochSecond(v / 1_000_000_000, v % 1_000_000_000), Duration.ofNanos(1), "epoch-ns");
  }

  /** The step of an ISO time's fraction of a second: one second without one, 1 µs for six digits. */
  private static Duration fractionResolution(String text) {
    int dot = text.indexOf('.');
    if (dot < 0) {
      return Duration.ofSeconds(1);
    }
    int digits = 0;
    while (dot + 1 + digits < text.length() && Character.isDigit(text.charAt(dot + 1 + digits))) {
      digits++;
    }
    long nanos = 1_000_000_000L;
    for (int i = 0; i < Math.min(9, digits); i++) {
      nanos /= 10;
    }
    return Duration.ofNanos(nanos);
  }
}
