package io.tsecho.internal.cli;

import io.tsecho.config.ClientTlsSettings;
import io.tsecho.internal.client.ConnectOptions;
import io.tsecho.internal.net.ProxyHeader;
import io.tsecho.internal.tls.TlsClients;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of client, ping and bench that say how a TCP connection starts. */
final class ConnectMixin {
  @Option(names = "--send-proxy", paramLabel = "VERSION",
      description = "Start each TCP connection with a PROXY protocol header, v1 or v2, as a load balancer"
          + " would, naming this client: to try a server behind --proxy-protocol without one.")
  String sendProxy;

  @Option(names = "--tls",
      description = "Speak TLS (1.3 or 1.2), checking the server's certificate against the JDK's CAs, or"
          + " --tls-ca, and the host name given. A PROXY header goes first, in the clear.")
  boolean tls;

  @Option(names = "--tls-ca", paramLabel = "FILE",
      description = "Trust the CA certificates of this PEM file (or a server's self-signed certificate) instead"
          + " of the JDK's.")
  Path tlsCa;

  @Option(names = "--tls-insecure",
      description = "Trust any certificate for any name: for tests, never to check a real server.")
  boolean tlsInsecure;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "Mutual TLS: the PEM certificate chain to show a server that asks for one (with --tls-key).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The PEM private key of --tls-cert: unencrypted PKCS#8 (BEGIN PRIVATE KEY), RSA or EC.")
  Path tlsKey;

  /**
   * The options for a command's connections.
   *
   * @param udp the command talks UDP, where a PROXY header and TLS have no place
   * @param trace where socket calls are traced; null for none
   * @throws IllegalArgumentException one line, for a bad combination or a file that cannot be used
   */
  ConnectOptions options(boolean udp, PrintStream trace) {
    ProxyHeader.Version version = sendProxy == null ? null : ProxyHeader.Version.parse(sendProxy);
    if (version != null && udp) {
      throw new IllegalArgumentException("--send-proxy is for TCP connections; leave it out with --udp");
    }
    return new ConnectOptions(version, trace, tls(udp));
  }

  private TlsClients tls(boolean udp) {
    if (!tls) {
      String stray = tlsCa != null ? "--tls-ca" : tlsInsecure ? "--tls-insecure" : tlsCert != null ? "--tls-cert"
          : tlsKey != null ? "--tls-key" : null;
      if (stray != null) {
        throw new IllegalArgumentException(stray + " needs --tls");
      }
      return null;
    }
    if (udp) {
      throw new IllegalArgumentException("--tls is for TCP connections; leave it out with --udp");
    }
    return TlsClients.of(new ClientTlsSettings(tlsCa, tlsInsecure, tlsCert, tlsKey));
  }
}
