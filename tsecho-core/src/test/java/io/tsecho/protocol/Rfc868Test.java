package io.tsecho.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class Rfc868Test {
  private static long encode(String instant) {
    return Rfc868.encode(Instant.parse(instant).getEpochSecond());
  }

  @Test
  void countsSecondsSince1900() {
    assertThat(encode("1900-01-01T00:00:00Z")).isZero();
    assertThat(encode("1970-01-01T00:00:00Z")).isEqualTo(2_208_988_800L);
    assertThat(encode("2018-01-09T21:14:00Z")).isEqualTo(3_724_521_240L);
  }

  @Test
  void wrapsIn2036() {
    assertThat(encode("2036-02-07T06:28:15Z")).isEqualTo(0xFFFF_FFFFL);
    assertThat(encode("2036-02-07T06:28:16Z")).isZero();
    assertThat(encode("2036-02-07T06:28:17Z")).isEqualTo(1);
  }

  @Test
  void sendsFourBigEndianBytes() {
    byte[] bytes = Rfc868.encodeBytes(Instant.parse("2018-01-09T21:14:00Z").getEpochSecond());
    assertThat(bytes).containsExactly(0xDD, 0xFF, 0xAF, 0x18);
    assertThat(Rfc868.decodeBytes(bytes)).isEqualTo(3_724_521_240L);
    assertThat(Rfc868.decodeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff})).isEqualTo(0xFFFF_FFFFL);
  }

  @Test
  void theReaderPicksTheEraNearestItsOwnClock() {
    Instant beforeWrap = Instant.parse("2036-02-07T06:28:10Z");
    Instant afterWrap = Instant.parse("2036-02-07T06:28:20Z");
    assertThat(Rfc868.era(encode("2026-11-24T00:00:00Z"), Instant.parse("2026-11-24T00:00:05Z"))).isZero();
    // A server just past the wrap, read by a client just before it: era 1, not 1900.
    assertThat(Rfc868.decode(encode("2036-02-07T06:28:20Z"), beforeWrap)).isEqualTo(afterWrap);
    assertThat(Rfc868.era(encode("2036-02-07T06:28:20Z"), beforeWrap)).isEqualTo(1);
    // And the other way round: a slow server still in era 0, read from era 1.
    assertThat(Rfc868.decode(encode("2036-02-07T06:28:10Z"), afterWrap)).isEqualTo(beforeWrap);
    assertThat(Rfc868.decode(encode("2100-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:01Z")))
        .isEqualTo(Instant.parse("2100-01-01T00:00:00Z"));
  }
}
