package io.tsecho.config;

/**
 * What keeps the UDP side from being used as a reflector or amplifier.
 *
 * @param perSourceRate replies per second to one source address (a token bucket holding one
 *     second's worth); 0 lifts the limit
 * @param globalRate replies per second for the whole listener; 0 lifts the limit
 * @param allowLowPorts answer sources below port 1024, where other services (and echo loops) live
 * @param maxDatagram the largest reply datagram
 * @param ipv6PrefixLength IPv6 sources share a per-source bucket per prefix of this length: one
 *     host usually holds a whole /64, and could otherwise cycle through its addresses
 */
public record UdpLimits(int perSourceRate, int globalRate, boolean allowLowPorts, int maxDatagram, int ipv6PrefixLength) {
  /** The most a UDP reply may exceed its request by, in bytes: bounds amplification for every service. */
  public static final int MAX_REPLY_GROWTH = 64;
  public static final int DEFAULT_MAX_DATAGRAM = 65_507;
  public static final int DEFAULT_IPV6_PREFIX_LENGTH = 64;

  public static final UdpLimits DEFAULTS = new UdpLimits(20, 5_000, false, DEFAULT_MAX_DATAGRAM);

  public UdpLimits {
    Checks.requireRange("udp rate", perSourceRate, 0, 10_000_000);
    Checks.requireRange("udp budget", globalRate, 0, 100_000_000);
    Checks.requireRange("max datagram", maxDatagram, 64, 65_527);
    Checks.requireRange("udp ipv6 prefix", ipv6PrefixLength, 1, 128);
  }

  /** Limits that key IPv6 sources by their /64. */
  public UdpLimits(int perSourceRate, int globalRate, boolean allowLowPorts, int maxDatagram) {
    this(perSourceRate, globalRate, allowLowPorts, maxDatagram, DEFAULT_IPV6_PREFIX_LENGTH);
  }
}
