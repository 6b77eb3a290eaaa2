package io.tsecho.config;

import java.util.List;

/**
 * Which client addresses are served, applied to the real client (after a PROXY header). Deny wins;
 * with any allow rule, every address it does not cover is denied.
 *
 * @param allow blocks served; empty serves every address not denied
 * @param deny blocks never served
 * @param maxPerSource TCP connections at once from one source (an IPv4 address, an IPv6 /64); 0 for no limit
 */
public record AccessRules(List<Cidr> allow, List<Cidr> deny, int maxPerSource) {
  public static final AccessRules OPEN = new AccessRules(List.of(), List.of(), 0);

  public AccessRules {
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
    Checks.requireRange("max per source", maxPerSource, 0, 10_000_000);
  }

  /** Whether any rule applies: without one, the access stage is not in the pipeline at all. */
  public boolean isOpen() {
    return allow.isEmpty() && deny.isEmpty() && maxPerSource == 0;
  }

  /** Whether an address may be served, by the allow and deny rules. */
  public boolean admits(java.net.InetAddress address) {
    for (Cidr block : deny) {
      if (block.contains(address)) {
        return false;
      }
    }
    if (allow.isEmpty()) {
      return true;
    }
    for (Cidr block : allow) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
