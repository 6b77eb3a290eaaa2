package io.tsecho.internal.net;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The PROXY protocol header that a proxy sends ahead of a client's bytes to name the client
 * (HAProxy's {@code send-proxy} and {@code send-proxy-v2}, described in HAProxy's
 * {@code proxy-protocol.txt}), as bytes to write first on a new connection.
 */
public final class ProxyHeader {
  /** The two versions of the protocol: a line of text, or a binary block. */
  public enum Version {
    V1,
    V2;

    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Version parse(String name) {
      for (Version v : values()) {
        if (v.cliName().equalsIgnoreCase(name)) {
          return v;
        }
      }
      throw new IllegalArgumentException("'" + name + "' is not a PROXY protocol version; use v1 or v2");
    }
  }

  /** How a v1 header starts: "PROXY" and a space. */
  public static final byte[] V1_SIGNATURE = "PROXY ".getBytes(US_ASCII);
  /** How a v2 header starts: twelve bytes that no text protocol begins with. */
  public static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
  /**
   * The longest v1 header, CRLF included: "PROXY UNKNOWN" followed by two full IPv6 addresses and two
   * 5-digit ports, the specification's worst case.
   */
  public static final int V1_MAX_LENGTH = 107;
  /** The fixed part of a v2 header; its last two bytes give the length of what follows. */
  public static final int V2_FIXED_LENGTH = 16;

  private static final int V2_PROXY = 0x21;
  private static final int V2_LOCAL = 0x20;
  private static final int TCP_OVER_IPV4 = 0x11;
  private static final int TCP_OVER_IPV6 = 0x21;

  private ProxyHeader() {}

  /**
   * The header for a TCP connection from {@code source} (the client) to {@code destination} (the
   * address it reached). When one is IPv4 and the other IPv6, both are sent as IPv6, the IPv4 one
   * written IPv4-mapped, as HAProxy does.
   *
   * @throws IllegalArgumentException when an address is unresolved
   */
  public static byte[] tcp(Version version, InetSocketAddress source, InetSocketAddress destination) {
    InetAddress src = address(source);
    InetAddress dst = address(destination);
    boolean ipv4 = src instanceof Inet4Address && dst instanceof Inet4Address;
    if (!ipv4) {
      src = ipv6(src);
      dst = ipv6(dst);
    }
    return version == Version.V1
        ? v1(ipv4, src, dst, source.getPort(), destination.getPort())
        : v2(ipv4, src, dst, source.getPort(), destination.getPort());
  }

  /**
   * The header of a connection the proxy makes on its own account, such as a health check: the
   * server serves it as the connection it is. v2's LOCAL command, or v1's {@code PROXY UNKNOWN}.
   */
  public static byte[] local(Version version) {
    if (version == Version.V1) {
      return "PROXY UNKNOWN\r\n".getBytes(US_ASCII);
    }
    return ByteBuffer.allocate(V2_FIXED_LENGTH).put(V2_SIGNATURE).put((byte) V2_LOCAL).put((byte) 0).putShort((short) 0)
        .array();
  }

  private static byte[] v1(boolean ipv4, InetAddress src, InetAddress dst, int srcPort, int dstPort) {
    String line = "PROXY " + (ipv4 ? "TCP4 " : "TCP6 ") + text(src) + " " + text(dst) + " " + srcPort + " " + dstPort
        + "\r\n";
    return line.getBytes(US_ASCII);
  }

  private static byte[] v2(boolean ipv4, InetAddress src, InetAddress dst, int srcPort, int dstPort) {
    int addresses = ipv4 ? 12 : 36;
    return ByteBuffer.allocate(V2_FIXED_LENGTH + addresses)
        .put(V2_SIGNATURE)
        .put((byte) V2_PROXY)
        .put((byte) (ipv4 ? TCP_OVER_IPV4 : TCP_OVER_IPV6))
        .putShort((short) addresses)
        .put(src.getAddress())
        .put(dst.getAddress())
        .putShort((short) srcPort)
        .putShort((short) dstPort)
        .array();
  }

  private static InetAddress address(InetSocketAddress socket) {
    if (socket.isUnresolved()) {
      throw new IllegalArgumentException("a PROXY header needs IP addresses, got the unresolved " + socket.getHostString());
    }
    return socket.getAddress();
  }

  /** An IPv4 address as the IPv4-mapped IPv6 address {@code ::ffff:a.b.c.d}; an IPv6 one as it is. */
  private static InetAddress ipv6(InetAddress address) {
    if (address instanceof Inet6Address) {
      return address;
    }
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
    try {
      return Inet6Address.getByAddress(null, mapped, -1); // stays IPv6, where InetAddress would make it IPv4
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are an IPv6 address", e);
    }
  }

  /** An address as v1 writes it: dotted IPv4, or compressed IPv6 without a scope. */
  private static String text(InetAddress address) {
    return NetUtil.toAddressString(address, true);
  }
}
