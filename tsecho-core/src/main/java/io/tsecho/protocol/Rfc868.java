package io.tsecho.protocol;

import java.time.Instant;

/**
 * The RFC 868 time protocol's number: seconds since 1900-01-01T00:00:00Z as an unsigned 32-bit
 * count. It wraps at 2036-02-07T06:28:16Z, where era 1 begins; the wire carries the wrapped value,
 * and a reader picks the era that puts the time nearest its own clock.
 */
public final class Rfc868 {
  /** Seconds from 1900-01-01 to 1970-01-01. */
  public static final long OFFSET_1900_TO_1970 = 2_208_988_800L;
  private static final long ERA_SECONDS = 1L << 32;

  private Rfc868() {}

  /** The value sent on the wire for a moment. */
  public static long encode(long epochSecond) {
    return Math.floorMod(epochSecond + OFFSET_1900_TO_1970, ERA_SECONDS);
  }

  /** The 4 bytes on the wire, big-endian. */
  public static byte[] encodeBytes(long epochSecond) {
    long v = encode(epochSecond);
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  /** Reads 4 big-endian bytes as the unsigned value. */
  public static long decodeBytes(byte[] four) {
    if (four.length != 4) {
      throw new IllegalArgumentException("an RFC 868 time is 4 bytes, got " + four.length);
    }
    return ((four[0] & 0xffL) << 24) | ((four[1] & 0xffL) << 16) | ((four[2] & 0xffL) << 8) | (four[3] & 0xffL);
  }

  /** The era (0 until 2036-02-07T06:28:16Z, then 1, ...) that places {@code value} nearest to {@code near}. */
  public static long era(long value, Instant near) {
    long nearSince1900 = near.getEpochSecond() + OFFSET_1900_TO_1970;
    return Math.max(0, Math.round((nearSince1900 - value) / (double) ERA_SECONDS));
  }

  /** The moment a wire value stands for, in the era nearest to {@code near}. */
  public static Instant decode(long value, Instant near) {
    return Instant.ofEpochSecond(value + era(value, near) * ERA_SECONDS - OFFSET_1900_TO_1970);
  }
}
