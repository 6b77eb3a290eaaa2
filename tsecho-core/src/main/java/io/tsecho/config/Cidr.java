package io.tsecho.config;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A block of addresses written {@code ADDRESS/BITS}, for example {@code 10.0.0.0/8},
 * {@code 2001:db8::/32} or {@code 127.0.0.1} (a single address). An IPv4 block also matches the same
 * addresses written IPv4-mapped ({@code ::ffff:10.1.2.3}), since a dual-stack socket may show them so.
 */
public final class Cidr {
  private final byte[] network;
  private final int bits;

  private Cidr(byte[] network, int bits) {
    this.network = network;
    this.bits = bits;
  }

  /**
   * Parses {@code ADDRESS[/BITS]}; the address is a literal, never a name to look up.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Cidr parse(String text) {
    String spec = text.trim();
    int slash = spec.indexOf('/');
    String address = slash < 0 ? spec : spec.substring(0, slash);
    if (address.startsWith("[") && address.endsWith("]")) {
      address = address.substring(1, address.length() - 1);
    }
    byte[] bytes = literal(address, text);
    int bits = bytes.length * 8;
    if (slash >= 0) {
      String bitsText = spec.substring(slash + 1);
      if (!bitsText.matches("\\d{1,3}")) {
        throw new IllegalArgumentException("'" + text + "': the prefix length '" + bitsText + "' is not a number");
      }
      bits = Integer.parseInt(bitsText);
      if (bits > bytes.length * 8) {
        throw new IllegalArgumentException("'" + text + "': an " + (bytes.length == 4 ? "IPv4" : "IPv6")
            + " prefix is at most " + bytes.length * 8 + " bits, got " + bits);
      }
    }
    return new Cidr(mask(bytes, bits), bits);
  }

  /** The block holding {@code address} and every address that shares its first {@code bits} bits. */
  public static Cidr of(InetAddress address, int bits) {
    byte[] bytes = address.getAddress();
    return new Cidr(mask(bytes, Math.min(bits, bytes.length * 8)), Math.min(bits, bytes.length * 8));
  }

  private static byte[] literal(String address, String text) {
    boolean ipv4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean ipv6 = address.indexOf(':') >= 0 && address.matches("[0-9A-Fa-f:.]+");
    if (!ipv4 && !ipv6) {
      throw new IllegalArgumentException("'" + text + "' is not an address block; write e.g. 10.0.0.0/8 or 2001:db8::/32");
    }
    try {
      return InetAddress.getByName(address).getAddress(); // a literal: no name is looked up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "': '" + address + "' is not an IP address");
    }
  }

  private static byte[] mask(byte[] bytes, int bits) {
    byte[] masked = bytes.clone();
    for (int i = 0; i < masked.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - i * 8));
      masked[i] &= (byte) (0xff << (8 - keep));
    }
    return masked;
  }

  /** Whether {@code address} lies in this block. Allocates nothing for an IPv4 address: it runs per datagram. */
  public boolean contains(InetAddress address) {
    if (address instanceof Inet4Address) {
      return network.length == 4 && containsIpv4(address.hashCode()); // an IPv4 address's hash code is the address
    }
    byte[] bytes = address.getAddress();
    if (bytes.length == 16 && network.length == 4 && isIpv4Mapped(bytes)) {
      bytes = Arrays.copyOfRange(bytes, 12, 16);
    }
    if (bytes.length != network.length) {
      return false;
    }
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (bytes[i] != network[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    return rest == 0 || (bytes[full] & (0xff << (8 - rest)) & 0xff) == (network[full] & 0xff);
  }

  private boolean containsIpv4(int address) {
    int mask = bits == 0 ? 0 : -1 << (32 - bits);
    int net = ((network[0] & 0xff) << 24) | ((network[1] & 0xff) << 16) | ((network[2] & 0xff) << 8) | (network[3] & 0xff);
    return (address & mask) == net;
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  public int bits() {
    return bits;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr && ((Cidr) o).bits == bits && Arrays.equals(((Cidr) o).network, network);
  }

  @Override
  public int hashCode() {
    return Objects.hash(bits, Arrays.hashCode(network));
  }

  /** The block as {@link #parse} reads it: {@code 10.0.0.0/8}, {@code 2001:db8::/32}. */
  @Override
  public String toString() {
    return NetUtil.bytesToIpAddress(network) + "/" + bits;
  }
}
