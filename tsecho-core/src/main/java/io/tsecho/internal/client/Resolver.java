package io.tsecho.internal.client;

import io.tsecho.internal.net.Addresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the server a client was given, as a name or an address ({@code ::1} or {@code [::1]}). The
 * one place where a name that does not resolve becomes {@link ClientFailure#UNKNOWN_HOST}.
 */
public final class Resolver {
  private Resolver() {}

  /** Every address {@code host} resolves to, in the resolver's order (for {@code localhost}, often ::1 first). */
  public static List<InetSocketAddress> resolveAll(String host, int port) throws ClientException {
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(Addresses.hostLiteral(host));
    } catch (UnknownHostException e) {
      throw new ClientException(ClientFailure.UNKNOWN_HOST, "unknown host: " + host);
    }
    List<InetSocketAddress> all = new ArrayList<>(addresses.length);
    for (InetAddress address : addresses) {
      all.add(new InetSocketAddress(address, port));
    }
    return all;
  }

  /** The first address {@code host} resolves to: where a datagram client sends. */
  public static InetSocketAddress resolve(String host, int port) throws ClientException {
    return resolveAll(host, port).get(0);
  }
}
