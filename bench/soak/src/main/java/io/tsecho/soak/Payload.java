package io.tsecho.soak;

import java.nio.charset.StandardCharsets;

/**
 * The requests of the soak's own clients: a line naming its client, connection and number, then
 * filler that runs through every byte value but the newline (NUL, CR, tab, bytes above 127), so a
 * reply proves the server sent the bytes back untouched. The same arguments always give the same
 * bytes, so a client can rebuild the request a reply should carry instead of keeping it.
 */
final class Payload {
  private Payload() {}

  /** The request without its newline, {@code length} bytes or its header's length if that is longer. */
  static byte[] of(String client, long connection, long seq, int length) {
    byte[] head = (client + " " + connection + " " + seq + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] line = new byte[Math.max(length, head.length)];
    System.arraycopy(head, 0, line, 0, head.length);
    int b = (int) ((connection * 31 + seq) & 0xff);
    for (int i = head.length; i < line.length; i++, b = (b + 1) & 0xff) {
      line[i] = (byte) (b == '\n' ? b + 1 : b);
    }
    return line;
  }

  /** The request with its newline. */
  static byte[] line(String client, long connection, long seq, int length) {
    byte[] payload = of(client, connection, seq, length);
    byte[] line = new byte[payload.length + 1];
    System.arraycopy(payload, 0, line, 0, payload.length);
    line[payload.length] = '\n';
    return line;
  }
}
