package io.tsecho.internal.server;

import io.netty.channel.Channel;
import io.tsecho.config.ServerConfig;
import io.tsecho.internal.net.Addresses;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * What the whoami service says after the stamp, before the message: {@code instance=<id>
 * host=<hostname> local=<addr> peer=<real client> via=<proxy or -> proto=<tcp|udp|tls> tls=<version/cipher
 * or -> msg=}. Field names are stable; values never hold a space.
 */
final class WhoamiHeader {
  private final String instance;
  private final String host;

  WhoamiHeader(String instance) {
    this.instance = instance;
    this.host = ServerConfig.defaultInstance().replace(' ', '_');
  }

  /** For a TCP or TLS connection, once its peer and TLS session are known. */
  byte[] forConnection(Channel channel) {
    Peer peer = Peer.of(channel);
    return format(channel.localAddress(), peer.client(), peer.via(), peer.tls() != null ? "tls" : "tcp", peer.tls());
  }

  /** For one datagram. */
  byte[] forDatagram(SocketAddress local, SocketAddress sender) {
    return format(local, sender, null, "udp", null);
  }

  private byte[] format(SocketAddress local, SocketAddress client, SocketAddress via, String proto, String tls) {
    return ("instance=" + instance + " host=" + host + " local=" + Addresses.format(local)
        + " peer=" + Addresses.format(client) + " via=" + (via == null ? "-" : Addresses.format(via))
        + " proto=" + proto + " tls=" + (tls == null ? "-" : tls) + " msg=").getBytes(StandardCharsets.UTF_8);
  }
}
