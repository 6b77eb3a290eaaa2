package io.tsecho.internal.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Token buckets in a fixed table, one per hash slot of a source address: memory stays bounded
 * however many (spoofed) sources send, at the price of sources that share a slot sharing a budget.
 * The hash is seeded per process so an attacker cannot aim at another source's slot. IPv6 sources
 * are keyed by a prefix, since one host usually holds a whole /64.
 *
 * <p>Not thread-safe: each UDP listener is served by one event loop.
 */
final class TokenBuckets {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final int mask;
  private final double ratePerNano;
  private final double capacity;
  private final LongSupplier nanoClock;
  private final int seed;
  private final int ipv6PrefixLength;
  private final double[] tokens;
  private final long[] refilledAt;

  /**
   * @param slots rounded up to a power of two
   * @param ratePerSecond tokens added per second; each bucket holds one second's worth
   * @param ipv6PrefixLength leading bits of an IPv6 address that name its source
   */
  TokenBuckets(int slots, double ratePerSecond, LongSupplier nanoClock, int seed, int ipv6PrefixLength) {
    int size = Integer.highestOneBit(Math.max(1, slots - 1)) << 1;
    this.mask = size - 1;
    this.ratePerNano = ratePerSecond / NANOS_PER_SECOND;
    this.capacity = Math.max(1, ratePerSecond);
    this.nanoClock = nanoClock;
    this.seed = seed;
    this.ipv6PrefixLength = ipv6PrefixLength;
    this.tokens = new double[size];
    this.refilledAt = new long[size];
    Arrays.fill(tokens, capacity);
    Arrays.fill(refilledAt, nanoClock.getAsLong());
  }

  /** Takes a token from the bucket of this source, if it has one. */
  boolean tryAcquire(InetAddress source) {
    return tryAcquire(slot(source));
  }

  /** Takes a token from the bucket in this slot, if it has one. */
  boolean tryAcquire(int slot) {
    long now = nanoClock.getAsLong();
    double available = Math.min(capacity, tokens[slot] + (now - refilledAt[slot]) * ratePerNano);
    refilledAt[slot] = now;
    if (available < 1) {
      tokens[slot] = available;
      return false;
    }
    tokens[slot] = available - 1;
    return true;
  }

  int slot(InetAddress source) {
    int h = seed;
    if (source instanceof Inet4Address) {
      int address = source.hashCode(); // an IPv4 address's hash code is the address itself
      for (int shift = 24; shift >= 0; shift -= 8) {
        h = mix(h, address >>> shift);
      }
    } else {
      // No public API reads an IPv6 address without this 16-byte copy (bench/RESULTS.md, UDP drop path).
      byte[] bytes = source.getAddress();
      int fullBytes = ipv6PrefixLength / 8;
      for (int i = 0; i < fullBytes; i++) {
        h = mix(h, bytes[i]);
      }
      int restBits = ipv6PrefixLength % 8;
      if (restBits > 0) {
        h = mix(h, bytes[fullBytes] & (0xff << (8 - restBits)));
      }
    }
    h ^= h >>> 16;
    return h & mask;
  }

  /** One byte of FNV-1a. */
  private static int mix(int h, int octet) {
    return (h ^ (octet & 0xff)) * 0x01000193;
  }
}
