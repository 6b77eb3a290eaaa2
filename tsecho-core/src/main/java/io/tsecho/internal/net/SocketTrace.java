package io.tsecho.internal.net;

import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The lines of a socket trace, in the words of the socket API that the classic tutorial teaches:
 * {@code socket()}, {@code bind()}, {@code listen()}, {@code accept()}, {@code connect()},
 * {@code recv()}, {@code send()}, {@code shutdown()}, {@code close()}, {@code recvfrom()} and
 * {@code sendto()}. A call's arguments go in its parentheses and what it returns after {@code ->},
 * so {@code recv() -> 6 bytes "hello\n"} reads as Python's {@code data = s.recv(1024)}.
 *
 * <p>Each line starts with the socket it is about, in brackets: the listener for a listening or
 * datagram socket ({@code [stamp/udp/0.0.0.0:21566]}), the peer for a connection
 * ({@code [127.0.0.1:51234]}), so that interleaved connections can be told apart.
 *
 * <p>Payloads show their printable ASCII bytes as they are; {@code \n}, {@code \r}, {@code \t},
 * {@code \"} and {@code \\} are escaped as in C, every other byte as {@code \xNN}. At most
 * {@link #SHOWN_BYTES} bytes are shown; a longer payload ends with how many were left out. Nothing
 * is decoded, so the trace shows exactly the bytes on the wire.
 */
public final class SocketTrace {
  /** The logger that trace lines go to, at INFO. */
  public static final String LOGGER = "io.tsecho.trace";

  /** Payload bytes shown per line: enough for a stamped line of a few words, short enough to read. */
  public static final int SHOWN_BYTES = 64;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private SocketTrace() {}

  /** A line about one socket: {@code [name] event}. */
  public static String line(String socket, String event) {
    return "[" + socket + "] " + event;
  }

  /** The name of a connection's lines: its peer's address. */
  public static String name(SocketAddress address) {
    return Addresses.format(address);
  }

  /**
   * {@code socket(AF_INET, SOCK_STREAM)}: the call the tutorial makes for a socket on this address.
   * (The JVM may open an AF_INET6 socket for an IPv4 address and map it; the tutorial would not.)
   */
  public static String socket(InetSocketAddress address, boolean stream) {
    String family = address.getAddress() instanceof Inet6Address ? "AF_INET6" : "AF_INET";
    return "socket(" + family + ", " + (stream ? "SOCK_STREAM" : "SOCK_DGRAM") + ")";
  }

  public static String bind(SocketAddress local) {
    return "bind(" + Addresses.format(local) + ")";
  }

  public static String listen(int backlog) {
    return "listen(" + backlog + ")";
  }

  /** Called on the listening socket; returns the new connection's peer. */
  public static String accept(SocketAddress peer) {
    return "accept() -> " + Addresses.format(peer);
  }

  public static String connect(SocketAddress remote) {
    return "connect(" + Addresses.format(remote) + ")";
  }

  /** {@code recv() -> 6 bytes "hello\n"}, for the readable bytes of {@code data}, which is left as it was. */
  public static String recv(ByteBuf data) {
    return "recv() -> " + bytes(data);
  }

  public static String recv(byte[] data, int offset, int length) {
    return "recv() -> " + bytes(data, offset, length);
  }

  /** What {@code recv()} returns once the peer has shut down its side: nothing, for ever. */
  public static String recvEnd() {
    return "recv() -> 0 bytes (end of stream)";
  }

  /** {@code send(33 bytes "[...] hello\n")}, for the readable bytes of {@code data}, which is left as it was. */
  public static String send(ByteBuf data) {
    return "send(" + bytes(data) + ")";
  }

  public static String send(byte[] data, int offset, int length) {
    return "send(" + bytes(data, offset, length) + ")";
  }

  /** {@code recvfrom() -> 6 bytes "hello\n" from 127.0.0.1:5555}. */
  public static String recvfrom(ByteBuf data, SocketAddress sender) {
    return "recvfrom() -> " + bytes(data) + " from " + Addresses.format(sender);
  }

  public static String recvfrom(byte[] data, int offset, int length, SocketAddress sender) {
    return "recvfrom() -> " + bytes(data, offset, length) + " from " + Addresses.format(sender);
  }

  /** {@code sendto(33 bytes "[...] hello\n", 127.0.0.1:5555)}. */
  public static String sendto(ByteBuf data, SocketAddress recipient) {
    return "sendto(" + bytes(data) + ", " + Addresses.format(recipient) + ")";
  }

  public static String sendto(byte[] data, int offset, int length, SocketAddress recipient) {
    return "sendto(" + bytes(data, offset, length) + ", " + Addresses.format(recipient) + ")";
  }

  /** This side will send no more; the peer's {@code recv()} returns 0 bytes once it has read the rest. */
  public static String shutdownWrite() {
    return "shutdown(SHUT_WR)";
  }

  public static String close() {
    return "close()";
  }

  /** A call failed, e.g. {@code error: Connection reset by peer}. */
  public static String error(Throwable cause) {
    String message = cause.getMessage();
    return "error: " + (message != null ? message : cause.getClass().getSimpleName());
  }

  /** {@code N bytes "shown"}, and {@code ... (M more)} when some were left out. */
  public static String bytes(ByteBuf data) {
    return bytes(data::getByte, data.readerIndex(), data.readableBytes());
  }

  public static String bytes(byte[] data, int offset, int length) {
    return bytes(i -> data[i], offset, length);
  }

  private interface ByteAt {
    byte get(int index);
  }

  private static String bytes(ByteAt data, int offset, int length) {
    int shown = Math.min(length, SHOWN_BYTES);
    StringBuilder text = new StringBuilder(shown + 24).append(length).append(length == 1 ? " byte \"" : " bytes \"");
    for (int i = offset; i < offset + shown; i++) {
      appendByte(text, data.get(i));
    }
    text.append('"');
    if (shown < length) {
      text.append("... (").append(length - shown).append(" more)");
    }
    return text.toString();
  }

  private static void appendByte(StringBuilder text, byte b) {
    int c = b & 0xff;
    switch (c) {
      case '\n': text.append("\\n"); break;
      case '\r': text.append("\\r"); break;
      case '\t': text.append("\\t"); break;
      case '"': text.append("\\\""); break;
      case '\\': text.append("\\\\"); break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          text.append((char) c);
        } else {
          text.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
        }
    }
  }
}
