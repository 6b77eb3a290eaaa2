package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.tsecho.internal.net.ProxyHeader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** PROXY v2 headers built byte by byte, with any TLVs, for tests. */
final class V2Headers {
  static final int PROXY = 0x21;
  static final int LOCAL = 0x20;
  static final int TCP4 = 0x11;
  static final int TCP6 = 0x21;
  static final int UDP4 = 0x12;
  static final int UNSPEC = 0x00;

  private V2Headers() {}

  /** 192.168.0.1:56324 to 192.168.0.11:443, the example of the specification. */
  static byte[] ipv4Addresses() {
    return ByteBuffer.allocate(12).put(new byte[] {(byte) 192, (byte) 168, 0, 1}).put(new byte[] {(byte) 192, (byte) 168, 0, 11})
        .putShort((short) 56324).putShort((short) 443).array();
  }

  static byte[] header(int versionAndCommand, int family, byte[] addresses, byte[]... tlvs) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(addresses);
    for (byte[] tlv : tlvs) {
      body.writeBytes(tlv);
    }
    return ByteBuffer.allocate(16 + body.size()).put(ProxyHeader.V2_SIGNATURE).put((byte) versionAndCommand)
        .put((byte) family).putShort((short) body.size()).put(body.toByteArray()).array();
  }

  static byte[] tlv(int type, byte[] value) {
    return ByteBuffer.allocate(3 + value.length).put((byte) type).putShort((short) value.length).put(value).array();
  }

  static byte[] tlv(int type, String value) {
    return tlv(type, value.getBytes(US_ASCII));
  }

  /** An SSL TLV (0x20) for a client that sent a verified certificate, with the given sub-TLVs. */
  static byte[] ssl(byte[]... subTlvs) {
    ByteArrayOutputStream value = new ByteArrayOutputStream();
    value.write(0x07); // PP2_CLIENT_SSL | PP2_CLIENT_CERT_CONN | PP2_CLIENT_CERT_SESS
    value.writeBytes(new byte[4]); // verify: 0, the certificate was verified
    for (byte[] sub : subTlvs) {
      value.writeBytes(sub);
    }
    return tlv(0x20, value.toByteArray());
  }

  /** A header whose last TLV is a CRC32C of the whole, computed here. */
  static byte[] withCrc(int versionAndCommand, int family, byte[] addresses, byte[]... tlvs) {
    byte[][] all = new byte[tlvs.length + 1][];
    System.arraycopy(tlvs, 0, all, 0, tlvs.length);
    all[tlvs.length] = tlv(0x03, new byte[4]);
    byte[] header = header(versionAndCommand, family, addresses, all);
    CRC32C crc = new CRC32C();
    crc.update(header);
    ByteBuffer.wrap(header).putInt(header.length - 4, (int) crc.getValue());
    return header;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
