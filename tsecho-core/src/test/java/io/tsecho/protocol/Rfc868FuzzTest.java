package io.tsecho.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * RFC 868 decoding, for any 4 bytes on the wire and any reader's clock.
 *
 * <p>Input: 4 wire bytes, then three big-endian longs (a moment, the reader's clock, a drift), each
 * folded into the years 1900 to 9999; missing bytes read as zero, and the rest is decoded as bytes of
 * its own length.
 */
class Rfc868FuzzTest {
  private static final long ERA = 1L << 32;
  private static final long HALF_ERA = ERA / 2;
  private static final long YEAR_1900 = -Rfc868.OFFSET_1900_TO_1970;
  private static final long YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();

  @FuzzTest
  void decodingFindsTheMomentNearestTheReadersClock(byte[] input) {
    ByteBuffer in = ByteBuffer.wrap(Arrays.copyOf(input, Math.max(input.length, 28)));
    byte[] wire = new byte[4];
    in.get(wire);
    long moment = clockReading(in.getLong());
    long clock = clockReading(in.getLong());
    long drift = Math.floorMod(in.getLong(), ERA) - HALF_ERA; // [-2^31, 2^31)

    long value = Rfc868.decodeBytes(wire);
    assertThat(value).isBetween(0L, ERA - 1);
    assertThat(Rfc868.encodeBytes(value - Rfc868.OFFSET_1900_TO_1970)).as("wire bytes round trip").isEqualTo(wire);

    Instant decoded = Rfc868.decode(value, Instant.ofEpochSecond(clock));
    assertThat(Rfc868.encode(decoded.getEpochSecond())).as("decoded moment encodes to its value").isEqualTo(value);
    assertThat(decoded.getEpochSecond()).as("never before 1900").isGreaterThanOrEqualTo(YEAR_1900);
    long distance = Math.abs(decoded.getEpochSecond() - clock);
    assertThat(distance).as("no era is nearer the clock").isLessThanOrEqualTo(nearestOtherEra(decoded, clock));

    // A reader whose clock is within half an era of the truth recovers the moment exactly.
    long readerClock = moment + drift;
    if (readerClock >= YEAR_1900 && readerClock < YEAR_10000) {
      assertThat(Rfc868.decode(Rfc868.encode(moment), Instant.ofEpochSecond(readerClock)))
          .as("moment %d read with clock %d", moment, readerClock)
          .isEqualTo(Instant.ofEpochSecond(moment));
    }

    byte[] rest = Arrays.copyOfRange(input, Math.min(input.length, 28), input.length);
    if (rest.length != 4) {
      assertThatIllegalArgumentException().isThrownBy(() -> Rfc868.decodeBytes(rest))
          .withMessage("an RFC 868 time is 4 bytes, got " + rest.length);
    }
  }

  /** The distance to the clock of the same wire value one era earlier (if not before 1900) or later. */
  private static long nearestOtherEra(Instant decoded, long clock) {
    long later = Math.abs(decoded.getEpochSecond() + ERA - clock);
    long earlier = decoded.getEpochSecond() - ERA >= YEAR_1900 ? Math.abs(decoded.getEpochSecond() - ERA - clock) : Long.MAX_VALUE;
    return Math.min(later, earlier);
  }

  /** Any long as a clock reading from 1900 to 9999, the years a time server's clock can show. */
  private static long clockReading(long any) {
    return YEAR_1900 + Math.floorMod(any, YEAR_10000 - YEAR_1900);
  }
}
