package io.tsecho.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The encodings, byte for byte, against X.690 and RFC 5280's examples. */
class DerTest {
  private static String hex(byte[] bytes) {
    return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes);
  }

  @Test
  void objectIdentifiersPackTheFirstTwoArcsAndUseBase128() {
    assertThat(hex(Der.oid("1.2.840.10045.4.3.2"))).isEqualTo("06 08 2A 86 48 CE 3D 04 03 02");
    assertThat(hex(Der.oid("2.5.29.17"))).isEqualTo("06 03 55 1D 11");
    assertThat(hex(Der.oid("1.2.840.113549.1.1.11"))).isEqualTo("06 09 2A 86 48 86 F7 0D 01 01 0B");
  }

  @Test
  void integersAreTwosComplementWithALeadingZeroWhenTheTopBitIsSet() {
    assertThat(hex(Der.integer(2))).isEqualTo("02 01 02");
    assertThat(hex(Der.integer(127))).isEqualTo("02 01 7F");
    assertThat(hex(Der.integer(128))).isEqualTo("02 02 00 80");
    assertThat(hex(Der.integer(new BigInteger("256")))).isEqualTo("02 02 01 00");
  }

  @Test
  void lengthsOver127TakeTheLongForm() {
    assertThat(hex(Der.octetString(new byte[127])).substring(0, 5)).isEqualTo("04 7F");
    assertThat(hex(Der.octetString(new byte[128])).substring(0, 8)).isEqualTo("04 81 80");
    assertThat(hex(Der.octetString(new byte[300])).substring(0, 11)).isEqualTo("04 82 01 2C");
    assertThat(Der.octetString(new byte[70_000])).hasSize(70_000 + 5);
  }

  @Test
  void timesAreUtcTimeUntil2049AndGeneralizedTimeFrom2050() {
    assertThat(new String(Der.time(Instant.parse("2049-12-31T23:59:59Z")), 2, 13, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("491231235959Z");
    assertThat(Der.time(Instant.parse("2049-12-31T23:59:59Z"))[0]).isEqualTo((byte) 0x17);
    byte[] generalized = Der.time(Instant.parse("2050-01-01T00:00:00Z"));
    assertThat(generalized[0]).isEqualTo((byte) 0x18);
    assertThat(new String(generalized, 2, 15, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("20500101000000Z");
  }

  @Test
  void smallValuesHaveTheirFixedEncodings() {
    assertThat(hex(Der.bool(true))).isEqualTo("01 01 FF");
    assertThat(hex(Der.nul())).isEqualTo("05 00");
    assertThat(hex(Der.bitString(new byte[] {(byte) 0xAB}))).isEqualTo("03 02 00 AB");
    assertThat(hex(Der.utf8String("é"))).isEqualTo("0C 02 C3 A9");
    assertThat(hex(Der.sequence(Der.nul(), Der.bool(false)))).isEqualTo("30 05 05 00 01 01 00");
    assertThat(hex(Der.set(Der.nul()))).isEqualTo("31 02 05 00");
    assertThat(hex(Der.explicit(3, Der.nul()))).isEqualTo("A3 02 05 00");
    assertThat(hex(Der.implicitPrimitive(7, new byte[] {127, 0, 0, 1}))).isEqualTo("87 04 7F 00 00 01");
  }
}
