package io.tsecho.internal.cli;

import io.tsecho.config.Transport;
import io.tsecho.protocol.Framing;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Command-line value parsers whose errors name the bad value and what is accepted. */
final class Converters {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)i?b?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);

  private Converters() {}

  /** Bytes: {@code 1024}, {@code 64k}, {@code 1m} (powers of 1024). */
  static final class Size implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      long n = bytes(value);
      if (n > Integer.MAX_VALUE) {
        throw new TypeConversionException("'" + value + "' is too large");
      }
      return (int) n;
    }
  }

  /** Bytes, as {@link Size}, for budgets that may pass 2 GiB: {@code 256m}, {@code 4g}. */
  static final class LongSize implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return bytes(value);
    }
  }

  private static long bytes(String value) {
    Matcher m = SIZE.matcher(value.trim());
    if (!m.matches()) {
      throw new TypeConversionException("'" + value + "' is not a size (e.g. 1024, 64k, 1m)");
    }
    int shift;
    switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k": shift = 10; break;
      case "m": shift = 20; break;
      case "g": shift = 30; break;
      default: shift = 0; break;
    }
    // 2^40 bytes (1 TiB) is more than any buffer or budget here, and keeps the arithmetic exact.
    if (m.group(1).length() > 13 || Long.parseLong(m.group(1)) > (1L << (40 - shift))) {
      throw new TypeConversionException("'" + value + "' is too large");
    }
    return Long.parseLong(m.group(1)) << shift;
  }

  /** A duration: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
  static final class Time implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Matcher m = DURATION.matcher(value.trim());
      if (!m.matches()) {
        throw new TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 5s, 2m, 1h)");
      }
      double amount = Double.parseDouble(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
      double millis;
      switch (unit) {
        case "ms": millis = amount; break;
        case "m": millis = amount * 60_000; break;
        case "h": millis = amount * 3_600_000; break;
        default: millis = amount * 1000; break;
      }
      if (millis > Integer.MAX_VALUE * 1000.0) {
        throw new TypeConversionException("'" + value + "' is too long");
      }
      return Duration.ofNanos(Math.round(millis * 1_000_000));
    }
  }

  static final class Zone implements ITypeConverter<ZoneId> {
    @Override
    public ZoneId convert(String value) {
      try {
        return ZoneId.of(value);
      } catch (RuntimeException e) {
        throw new TypeConversionException("'" + value + "' is not a time zone (e.g. UTC, Europe/Paris, +05:30)");
      }
    }
  }

  static final class FramingName implements ITypeConverter<Framing> {
    @Override
    public Framing convert(String value) {
      for (Framing f : Framing.values()) {
        if (f.cliName().equalsIgnoreCase(value)) {
          return f;
        }
      }
      throw new TypeConversionException("'" + value + "' is not a framing; use auto, line or raw");
    }
  }

  static final class TransportName implements ITypeConverter<Transport> {
    @Override
    public Transport convert(String value) {
      for (Transport t : Transport.values()) {
        if (t.name().equalsIgnoreCase(value)) {
          return t;
        }
      }
      throw new TypeConversionException("'" + value + "' is not a transport; use auto, epoll, nio or io_uring");
    }
  }
}
