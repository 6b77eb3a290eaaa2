package io.tsecho.net;

import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Socket addresses as people write them: {@code 127.0.0.1:21566}, {@code [::1]:21566}, {@code [::]:21566}. */
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
}
