package io.tsecho;

import io.tsecho.config.Protocol;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One message a server received: a line (or trailing piece, or read in {@code raw} framing) of a
 * TCP connection, or a UDP datagram, with the bytes exactly as they arrived.
 */
public final class ReceivedMessage {
  private final Protocol protocol;
  private final InetSocketAddress local;
  private final InetSocketAddress sender;
  private final byte[] bytes;

  ReceivedMessage(Protocol protocol, InetSocketAddress local, InetSocketAddress sender, byte[] bytes) {
    this.protocol = protocol;
    this.local = local;
    this.sender = sender;
    this.bytes = bytes;
  }

  /** {@link Protocol#TCP} for a stream (TLS included), {@link Protocol#UDP} for a datagram. */
  public Protocol protocol() {
    return protocol;
  }

  /** The server's address the message was sent to. */
  public InetSocketAddress local() {
    return local;
  }

  /** The client that sent it; behind a PROXY header, the client the header named. */
  public InetSocketAddress sender() {
    return sender;
  }

  /** The bytes as received, line ending included. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The message as UTF-8 text without its line ending ({@code \n} or {@code \r\n}). */
  public String text() {
    int end = bytes.length;
    if (end > 0 && bytes[end - 1] == '\n') {
      end--;
      if (end > 0 && bytes[end - 1] == '\r') {
        end--;
      }
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  /** For test reports: the protocol, the sender and the text. */
  @Override
  public String toString() {
    return protocol.cliName() + " from " + sender + ": " + text();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReceivedMessage m && protocol == m.protocol && Objects.equals(local, m.local)
        && Objects.equals(sender, m.sender) && Arrays.equals(bytes, m.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(protocol, local, sender) + Arrays.hashCode(bytes);
  }
}
