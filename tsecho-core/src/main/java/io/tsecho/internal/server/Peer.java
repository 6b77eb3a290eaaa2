package io.tsecho.internal.server;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who is at the other end of a connection: the client, the proxy it came through when a PROXY
 * header said so, and its TLS session. Kept on the channel only when a stage learns more than the
 * socket's own remote address, so a plain connection carries none.
 */
public final class Peer {
  private static final AttributeKey<Peer> KEY = AttributeKey.valueOf(Peer.class, "peer");

  private volatile SocketAddress client;
  private volatile SocketAddress via;
  private volatile String tls;
  private volatile String tlsSubject;

  private Peer(SocketAddress client) {
    this.client = client;
  }

  /** The peer of a connection as far as it is known: at least its remote address. */
  public static Peer of(Channel channel) {
    Peer peer = channel.attr(KEY).get();
    return peer != null ? peer : new Peer(channel.remoteAddress());
  }

  /** The peer record a stage updates, made on first use. */
  public static Peer learn(Channel channel) {
    Peer peer = channel.attr(KEY).get();
    if (peer == null) {
      peer = new Peer(channel.remoteAddress());
      channel.attr(KEY).set(peer);
    }
    return peer;
  }

  /** The client: from the PROXY header when one was accepted, else the socket's remote address. */
  public SocketAddress client() {
    return client;
  }

  /** The proxy the client came through, or null when it connected directly. */
  public SocketAddress via() {
    return via;
  }

  /** The TLS version and cipher, e.g. {@code TLSv1.3/TLS_AES_128_GCM_SHA256}, or null without TLS. */
  public String tls() {
    return tls;
  }

  /** The subject of the client's certificate, or null when it showed none. */
  public String tlsSubject() {
    return tlsSubject;
  }

  /** A PROXY header named the client; the socket's remote address is the proxy's. */
  public void proxied(InetSocketAddress realClient, SocketAddress proxy) {
    this.client = realClient;
    this.via = proxy;
  }

  public void tls(String versionAndCipher, String subject) {
    this.tls = versionAndCipher;
    this.tlsSubject = subject;
  }
}
