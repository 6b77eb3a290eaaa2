package io.tsecho.internal.net;

import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Socket addresses as people write them, the same in every message: {@code 127.0.0.1:21566},
 * {@code [::1]:21566}, {@code [::]:21566}, and, where a client was given a name,
 * {@code localhost ([::1]:21566)}.
 */
public final class Addresses {
  private Addresses() {}

  public static String format(SocketAddress address) {
    if (address instanceof InetSocketAddress) {
      InetSocketAddress inet = (InetSocketAddress) address;
      if (inet.getAddress() == null) {
        return inet.getHostString() + ":" + inet.getPort();
      }
      return NetUtil.toSocketAddressString(inet);
    }
    return String.valueOf(address);
  }

  /**
   * The server a client reached, named as its user named it: the address alone when {@code host} was
   * an address (in any spelling, {@code ::1} or {@code [0:0:0:0:0:0:0:1]}), else the name first.
   */
  public static String describe(String host, SocketAddress resolved) {
    String address = format(resolved);
    return isLiteral(host) ? address : host + " (" + address + ")";
  }

  /** Whether {@code host} is an IPv4 or IPv6 address rather than a name; IPv6 may be in brackets. */
  public static boolean isLiteral(String host) {
    String literal = hostLiteral(host);
    return NetUtil.isValidIpV4Address(literal) || NetUtil.isValidIpV6Address(literal);
  }

  /** Strips the brackets of an IPv6 literal written as {@code [::1]}. */
  public static String hostLiteral(String host) {
    if (host.length() > 2 && host.startsWith("[") && host.endsWith("]")) {
      return host.substring(1, host.length() - 1);
    }
    return host;
  }
}
