package io.tsecho.client;

import io.tsecho.net.ProxyHeader;
import java.io.PrintStream;

/**
 * How a client opens its TCP connections, beyond where to: a PROXY header to send first (as a load
 * balancer would, to try a server behind one without it), and where to trace socket calls.
 *
 * @param sendProxy the PROXY protocol version to send, or null to send none
 * @param trace where each socket call is traced, one line each; null for none
 */
public record ConnectOptions(ProxyHeader.Version sendProxy, PrintStream trace) {
  public static final ConnectOptions PLAIN = new ConnectOptions(null, null);
}
