package io.tsecho.protocol;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;

/**
 * How the server writes its clock into a reply: one of the named formats, or a {@code java.time}
 * pattern. Immutable and thread-safe.
 *
 * <p>Names of days and months are always English, whatever the machine's locale, so a {@code ctime}
 * stamp reads the same everywhere.
 */
public final class TimeFormat {

  /** The names accepted by {@link #parse}, in the order the help text lists them. */
  public static final String NAMES = "ctime, iso, rfc3339, epoch-s, epoch-ms, epoch-us, epoch-ns";

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final String spec;
  private final long resolutionNanos;
  private final DateTimeFormatter formatter; // null for the epoch formats
  private final long epochUnitNanos; // for the epoch formats

  private TimeFormat(String spec, long resolutionNanos, DateTimeFormatter formatter, long epochUnitNanos) {
    this.spec = spec;
    this.resolutionNanos = resolutionNanos;
    this.formatter = formatter;
    this.epochUnitNanos = epochUnitNanos;
  }

  /**
   * Parses a {@code --time-format} value.
   *
   * @throws IllegalArgumentException naming the bad value and what is accepted
   */
  public static TimeFormat parse(String spec, ZoneId zone) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(zone, "zone");
    switch (spec) {
      case "ctime":
        // C's ctime(): "Tue Jan  9 21:14:00 2018", the day of month padded with a space.
        return pattern(spec, "EEE MMM ppd HH:mm:ss yyyy", zone, NANOS_PER_SECOND);
      case "iso":
        return pattern(spec, "uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx", zone, 1_000L);
      case "rfc3339":
        return pattern(spec, "uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", ZoneOffset.UTC, 1_000L);
      case "epoch-s":
        return new TimeFormat(spec, NANOS_PER_SECOND, null, NANOS_PER_SECOND);
      case "epoch-ms":
        return new TimeFormat(spec, 1_000_000L, null, 1_000_000L);
      case "epoch-us":
        return new TimeFormat(spec, 1_000L, null, 1_000L);
      case "epoch-ns":
        return new TimeFormat(spec, 1L, null, 1L);
      default:
        return customPattern(spec, zone);
    }
  }

  private static TimeFormat customPattern(String spec, ZoneId zone) {
    if (spec.isBlank()) {
      throw new IllegalArgumentException("time format is empty; use one of " + NAMES + " or a java.time pattern");
    }
    return pattern(spec, spec, zone, patternResolutionNanos(spec));
  }

  private static TimeFormat pattern(String spec, String pattern, ZoneId zone, long resolutionNanos) {
    DateTimeFormatter formatter;
    try {
      formatter = DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH).withZone(zone);
      formatter.format(Instant.EPOCH); // a pattern may parse yet ask for a field an instant lacks
    } catch (IllegalArgumentException | DateTimeException e) {
      throw new IllegalArgumentException(
          "bad time format '" + spec + "': " + e.getMessage() + "; use one of " + NAMES + " or a java.time pattern");
    }
    return new TimeFormat(spec, resolutionNanos, formatter, 0);
  }

  /** The finest unit a java.time pattern prints, so that the stamp is rebuilt only when it can change. */
  static long patternResolutionNanos(String pattern) {
    long resolution = NANOS_PER_SECOND;
    boolean quoted = false;
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      int run = 1;
      while (i + run < pattern.length() && pattern.charAt(i + run) == c) {
        run++;
      }
      if (c == '\'') {
        if (run % 2 == 1) {
          quoted = !quoted; // "''" is a literal quote and does not toggle
        }
      } else if (!quoted) {
        resolution = Math.min(resolution, letterResolutionNanos(c, run));
      }
      i += run;
    }
    return resolution;
  }

  private static long letterResolutionNanos(char letter, int count) {
    switch (letter) {
      case 'S': // fraction of second, one digit per letter
        long r = NANOS_PER_SECOND;
        for (int k = 0; k < Math.min(count, 9); k++) {
          r /= 10;
        }
        return r;
      case 'n':
      case 'N':
        return 1L;
      case 'A':
        return 1_000_000L;
      default:
        return NANOS_PER_SECOND;
    }
  }

  /**
   * The longest text this format makes, measured over a sample of dates that covers every month and
   * weekday name, so that limits can be checked at start-up.
   */
  public int maxLength() {
    int max = 0;
    long epochSecond = Instant.parse("2026-01-01T23:59:59Z").getEpochSecond();
    for (int day = 0; day < 366; day += 5) {
      max = Math.max(max, format(epochSecond + day * 86_400L, 999_999_999).getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
    return max;
  }

  /** The smallest step by which the formatted text can change. */
  public long resolutionNanos() {
    return resolutionNanos;
  }

  /** Formats an instant given as seconds and nanoseconds since the epoch. */
  public String format(long epochSecond, int nanoOfSecond) {
    if (formatter != null) {
      return formatter.format(Instant.ofEpochSecond(epochSecond, nanoOfSecond));
    }
    if (epochUnitNanos == NANOS_PER_SECOND) {
      return Long.toString(epochSecond);
    }
    long unitsPerSecond = NANOS_PER_SECOND / epochUnitNanos;
    return Long.toString(epochSecond * unitsPerSecond + nanoOfSecond / epochUnitNanos);
  }

  @Override
  public String toString() {
    return spec;
  }
}
