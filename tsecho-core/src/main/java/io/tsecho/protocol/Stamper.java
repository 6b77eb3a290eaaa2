package io.tsecho.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Gives the clock's reading as bytes, {@code "[" + timestamp + "] "} to open a stamp reply or
 * {@code timestamp + "\r\n"} for a daytime line, formatted once per tick of the format's resolution
 * and shared by every connection and thread until the clock moves on.
 *
 * <p>Thread-safe without locks: two threads that see a new tick at once may both format it, and
 * either result is right.
 */
public final class Stamper {

  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final TimeFormat format;
  private final Clock clock;
  private final String before;
  private final String after;
  private final long resolutionNanos;
  private volatile Prefix current = new Prefix(Long.MIN_VALUE, new byte[0]);

  private Stamper(TimeFormat format, Clock clock, String before, String after) {
    this.format = Objects.requireNonNull(format, "format");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.before = before;
    this.after = after;
    this.resolutionNanos = format.resolutionNanos();
  }

  /** {@code "[" + timestamp + "] "}: the opening of a stamp reply. */
  public static Stamper replyPrefix(TimeFormat format, Clock clock) {
    return new Stamper(format, clock, "[", "] ");
  }

  /** {@code timestamp + "\r\n"}: an RFC 867 daytime line. */
  public static Stamper daytimeLine(TimeFormat format, Clock clock) {
    return new Stamper(format, clock, "", "\r\n");
  }

  /** The bytes for the clock's current reading. The caller must not modify the array. */
  public byte[] current() {
    long epochSecond;
    int nanoOfSecond;
    long tick;
    if (resolutionNanos >= NANOS_PER_MILLI) {
      long millis = clock.millis(); // no allocation on the common path
      tick = Math.floorDiv(millis, resolutionNanos / NANOS_PER_MILLI);
      Prefix cached = current;
      if (cached.tick == tick) {
        return cached.bytes;
      }
      epochSecond = Math.floorDiv(millis, 1000L);
      nanoOfSecond = (int) Math.floorMod(millis, 1000L) * 1_000_000;
    } else {
      Instant now = clock.instant();
      epochSecond = now.getEpochSecond();
      nanoOfSecond = now.getNano();
      tick = Math.floorDiv(epochSecond * 1_000_000_000L + nanoOfSecond, resolutionNanos);
      Prefix cached = current;
      if (cached.tick == tick) {
        return cached.bytes;
      }
    }
    byte[] bytes = (before + format.format(epochSecond, nanoOfSecond) + after).getBytes(StandardCharsets.UTF_8);
    current = new Prefix(tick, bytes);
    return bytes;
  }

  public TimeFormat format() {
    return format;
  }

  private static final class Prefix {
    final long tick;
    final byte[] bytes;

    Prefix(long tick, byte[] bytes) {
      this.tick = tick;
      this.bytes = bytes;
    }
  }
}
