package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
import io.tsecho.internal.net.ProxyHeader;
import java.util.zip.CRC32C;

/**
 * The CRC32C TLV of a v2 PROXY header (type 0x03), which Netty's decoder does not check: the CRC32C
 * of the whole header, signature and TLVs included, with the checksum's own four bytes taken as
 * zero. Finding it takes a walk over the TLVs, so this also refuses TLVs that do not fill the header
 * exactly.
 */
final class ProxyChecksum {
  static final int TYPE_CRC32C = 0x03;

  /** Why a header fails, or null when it passes. */
  enum Problem {
    MALFORMED_TLVS("PROXY v2 header whose TLVs do not fill it exactly"),
    WRONG_CRC32C("PROXY v2 header with a wrong CRC32C");

    private final String text;

    Problem(String text) {
      this.text = text;
    }

    String text() {
      return text;
    }
  }

  private ProxyChecksum() {}

  /**
   * Checks the complete v2 header that {@code header}'s readable bytes hold: null when it carries
   * no checksum or a right one.
   */
  static Problem check(ByteBuf header) {
    int start = header.readerIndex();
    int end = start + ProxyHeader.V2_FIXED_LENGTH + header.getUnsignedShort(start + 14);
    int addresses = addressLength(header.getUnsignedByte(start + 13) >> 4);
    int pos = start + ProxyHeader.V2_FIXED_LENGTH + addresses;
    if (pos > end) {
      return null; // a LOCAL header's addresses are ignored, and then there is no room for TLVs
    }
    int checksumAt = -1;
    while (pos < end) {
      if (end - pos < 3) {
        return Problem.MALFORMED_TLVS;
      }
      int type = header.getUnsignedByte(pos);
      int length = header.getUnsignedShort(pos + 1);
      if (pos + 3 + length > end) {
        return Problem.MALFORMED_TLVS;
      }
      if (type == TYPE_CRC32C) {
        if (length != 4 || checksumAt >= 0) {
          return Problem.MALFORMED_TLVS;
        }
        checksumAt = pos + 3;
      }
      pos += 3 + length;
    }
    if (checksumAt < 0) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(header.nioBuffer(start, checksumAt - start));
    crc.update(new byte[4]);
    crc.update(header.nioBuffer(checksumAt + 4, end - checksumAt - 4));
    return crc.getValue() == header.getUnsignedInt(checksumAt) ? null : Problem.WRONG_CRC32C;
  }

  /** The bytes of addresses for an address family (the high nibble of the 14th byte). */
  private static int addressLength(int family) {
    switch (family) {
      case 0x0: return 0; // AF_UNSPEC
      case 0x1: return 12; // two IPv4 addresses and ports
      case 0x2: return 36; // two IPv6 addresses and ports
      case 0x3: return 216; // two UNIX socket paths
      default: return Integer.MAX_VALUE / 2; // unknown: nothing after it can be read as TLVs
    }
  }
}
