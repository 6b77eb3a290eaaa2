package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tsecho.internal.server.ProxyChecksum.Problem;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ProxyChecksumTest {
  /**
   * A v2 header for 192.168.0.1:56324 to 192.168.0.11:443 with a UNIQUE_ID TLV and a CRC32C TLV
   * (0x5f5ca23b), the checksum computed by a separate bitwise CRC-32C (polynomial 0x82F63B78).
   */
  private static final byte[] WITH_CRC = HexFormat.of().parseHex(
      "0d0a0d0a000d0a515549540a21110026c0a80001c0a8000bdc0401bb05001074736563686f2d756e697175652d69640300045f5ca23b");

  private static Problem check(byte[] header) {
    ByteBuf buf = Unpooled.wrappedBuffer(header);
    try {
      return ProxyChecksum.check(buf);
    } finally {
      buf.release();
    }
  }

  @Test
  void aRightChecksumPasses() {
    assertThat(check(WITH_CRC)).isNull();
  }

  @Test
  void anyByteChangedFailsIt() {
    int checksumType = WITH_CRC.length - 7;
    for (int i = 0; i < WITH_CRC.length; i++) {
      if (i == 13 || i == 14 || i == 15 || i == checksumType) {
        continue; // the family and the length move the TLVs, and another type is no checksum: Netty's checks and the next test
      }
      byte[] changed = WITH_CRC.clone();
      changed[i] ^= 0x20;
      assertThat(check(changed)).as("byte %d changed", i).isNotNull();
    }
  }

  @Test
  void aWrongChecksumIsNamed() {
    byte[] wrong = WITH_CRC.clone();
    wrong[wrong.length - 1] ^= 1;
    assertThat(check(wrong)).isEqualTo(Problem.WRONG_CRC32C);
  }

  @Test
  void aChecksumTlvTurnedIntoAnotherTypeIsNoChecksum() {
    byte[] changed = WITH_CRC.clone();
    changed[WITH_CRC.length - 7] = (byte) 0xE3;
    assertThat(check(changed)).isNull();
  }

  @Test
  void withoutAChecksumThereIsNothingToCheck() {
    assertThat(check(V2Headers.header(V2Headers.PROXY, V2Headers.TCP4, V2Headers.ipv4Addresses(),
        V2Headers.tlv(0xE0, "anything")))).isNull();
  }

  @Test
  void aChecksumOfTheWrongSizeOrTwoChecksumsAreMalformed() {
    assertThat(check(V2Headers.header(V2Headers.PROXY, V2Headers.TCP4, V2Headers.ipv4Addresses(),
        V2Headers.tlv(0x03, new byte[3])))).isEqualTo(Problem.MALFORMED_TLVS);
    byte[] one = V2Headers.withCrc(V2Headers.PROXY, V2Headers.TCP4, V2Headers.ipv4Addresses());
    byte[] twice = V2Headers.withCrc(V2Headers.PROXY, V2Headers.TCP4, V2Headers.ipv4Addresses(),
        V2Headers.tlv(0x03, new byte[] {one[one.length - 4], one[one.length - 3], one[one.length - 2], one[one.length - 1]}));
    assertThat(check(twice)).isEqualTo(Problem.MALFORMED_TLVS);
  }

  @Test
  void tlvsThatOverrunOrLeaveABitOverAreMalformed() {
    byte[] overrun = V2Headers.header(V2Headers.PROXY, V2Headers.TCP4, V2Headers.ipv4Addresses(), new byte[] {(byte) 0xE0, 0, 9, 1});
    assertThat(check(overrun)).isEqualTo(Problem.MALFORMED_TLVS);
    byte[] leftOver = V2Headers.header(V2Headers.PROXY, V2Headers.TCP4, V2Headers.ipv4Addresses(), new byte[] {(byte) 0xE0, 0});
    assertThat(check(leftOver)).isEqualTo(Problem.MALFORMED_TLVS);
  }

  @Test
  void aLocalHeaderIsCheckedFromItsFamilysAddresses() {
    assertThat(check(V2Headers.withCrc(V2Headers.LOCAL, V2Headers.UNSPEC, new byte[0]))).isNull();
    byte[] wrong = V2Headers.withCrc(V2Headers.LOCAL, V2Headers.UNSPEC, new byte[0]);
    wrong[wrong.length - 2] ^= 1;
    assertThat(check(wrong)).isEqualTo(Problem.WRONG_CRC32C);
  }
}
