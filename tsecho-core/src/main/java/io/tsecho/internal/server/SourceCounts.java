package io.tsecho.internal.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TCP connections open per source: an IPv4 address, or an IPv6 /64, since one host usually holds a
 * whole /64. Thread-safe; touched once when a connection opens and once when it closes, and holds an
 * entry only while its source has a connection open.
 */
final class SourceCounts {
  private final int limit;
  private final ConcurrentHashMap<Long, Integer> ipv4 = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, Integer> ipv6 = new ConcurrentHashMap<>();

  /** @param limit connections at once from one source; 0 for no limit */
  SourceCounts(int limit) {
    this.limit = limit;
  }

  /** Counts one more connection from this address's source, unless it already has the limit. */
  boolean tryAcquire(InetAddress address) {
    boolean[] admitted = {false};
    table(address).compute(key(address), (k, n) -> {
      int count = n == null ? 0 : n;
      if (limit > 0 && count >= limit) {
        return n;
      }
      admitted[0] = true;
      return count + 1;
    });
    return admitted[0];
  }

  void release(InetAddress address) {
    table(address).computeIfPresent(key(address), (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Sources with at least one connection open. */
  int sources() {
    return ipv4.size() + ipv6.size();
  }

  private ConcurrentHashMap<Long, Integer> table(InetAddress address) {
    return address instanceof Inet4Address ? ipv4 : ipv6;
  }

  private static long key(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address.hashCode(); // an IPv4 address's hash code is the address
    }
    byte[] bytes = address.getAddress();
    long prefix = 0;
    for (int i = 0; i < 8; i++) { // the /64
      prefix = (prefix << 8) | (bytes[i] & 0xff);
    }
    return prefix;
  }
}
