package io.tsecho.internal.client;

import io.tsecho.internal.net.ProxyHeader;
import io.tsecho.internal.tls.TlsClients;
import java.io.PrintStream;

/**
 * How a client opens its TCP connections, beyond where to: a PROXY header to send first (as a load
 * balancer would, to try a server behind one without it), TLS, and where to trace socket calls.
 *
 * @param sendProxy the PROXY protocol version to send, or null to send none
 * @param trace where each socket call is traced, one line each; null for none
 * @param tls speak TLS once connected (after the PROXY header, which goes in the clear); null for plain TCP
 */
public record ConnectOptions(ProxyHeader.Version sendProxy, PrintStream trace, TlsClients tls) {
  public static final ConnectOptions PLAIN = new ConnectOptions(null, null, null);

  /** Plain TCP. */
  public ConnectOptions(ProxyHeader.Version sendProxy, PrintStream trace) {
    this(sendProxy, trace, null);
  }
}
