package io.tsecho.internal.client.bench;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Request payloads that say who sent them: 4 hex digits of the connection, 12 of the sequence
 * number, a space, filler, and a newline, {@code size} bytes in all. A reply can then be checked
 * byte for byte against the request it claims to answer, without keeping the request.
 */
final class Payloads {
  static final int MIN_SIZE = 18;
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int SEQ_DIGITS = 12;
  private static final int ID_DIGITS = 16;

  private final byte[] template;

  Payloads(int connection, int size) {
    template = new byte[size];
    writeHex(template, 0, connection, 4);
    template[ID_DIGITS] = ' ';
    for (int i = ID_DIGITS + 1; i < size - 1; i++) {
      template[i] = (byte) ('a' + i % 26);
    }
    template[size - 1] = '\n';
  }

  int size() {
    return template.length;
  }

  /** Writes the request with this sequence number. No allocation. */
  void write(ByteBuf out, long seq) {
    writeHex(template, 4, seq, SEQ_DIGITS);
    out.writeBytes(template);
  }

  private static void writeHex(byte[] to, int at, long value, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      to[at + i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
  }

  /**
   * The sequence number of the request whose bytes, newline excluded, are {@code length} bytes of
   * {@code line} from {@code from}; -1 if they are not exactly a request of this connection (wrong
   * length, connection or filler).
   */
  long sequenceOf(byte[] line, int from, int length) {
    if (length != template.length - 1) {
      return -1;
    }
    if (!Arrays.equals(line, from, from + 4, template, 0, 4)
        || !Arrays.equals(line, from + ID_DIGITS, from + length, template, ID_DIGITS, length)) {
      return -1;
    }
    long seq = 0;
    for (int i = 4; i < ID_DIGITS; i++) {
      int digit = hexDigit(line[from + i]);
      if (digit < 0) {
        return -1;
      }
      seq = (seq << 4) | digit;
    }
    return seq;
  }

  /** The value of a lower-case hex digit, as {@link #write} writes them; -1 for any other byte. */
  private static int hexDigit(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    return b >= 'a' && b <= 'f' ? b - 'a' + 10 : -1;
  }
}
