package io.tsecho.cli;

import io.tsecho.client.ConnectOptions;
import io.tsecho.net.ProxyHeader;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/** The options of client, ping and bench that say how a TCP connection starts. */
final class ConnectMixin {
  @Option(names = "--send-proxy", paramLabel = "VERSION",
      description = "Start each TCP connection with a PROXY protocol header, v1 or v2, as a load balancer"
          + " would, naming this client: to try a server behind --proxy-protocol without one.")
  String sendProxy;

  /**
   * The options for a command's connections.
   *
   * @param udp the command talks UDP, where a PROXY header has no place
   * @param trace where socket calls are traced; null for none
   */
  ConnectOptions options(boolean udp, PrintStream trace) {
    ProxyHeader.Version version = sendProxy == null ? null : ProxyHeader.Version.parse(sendProxy);
    if (version != null && udp) {
      throw new IllegalArgumentException("--send-proxy is for TCP connections; leave it out with --udp");
    }
    return new ConnectOptions(version, trace);
  }
}
