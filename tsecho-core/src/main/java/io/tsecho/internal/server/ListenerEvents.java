package io.tsecho.internal.server;

import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/**
 * The events of one listener. Each method is called on the event loop named by its first argument,
 * so an implementation may keep plain counters per loop. Every method does nothing by default.
 */
public interface ListenerEvents {
  ListenerEvents NONE = new ListenerEvents() {};

  /** Why a connection was turned away before it was served. */
  enum Refusal {
    TOO_MANY_CONNECTIONS("too many connections"),
    TOO_MANY_FROM_SOURCE("too many from one source"),
    ACCESS_DENIED("access denied"),
    PROXY_HEADER("bad or missing PROXY header"),
    TLS_HANDSHAKE("TLS handshake failed");

    private final String text;

    Refusal(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** The listener's socket is bound, here. */
  default void bound(InetSocketAddress address) {}

  default void accepted(EventLoop loop) {}

  default void refused(EventLoop loop, Refusal refusal) {}

  default void closed(EventLoop loop, CloseReason reason) {}

  /** Bytes read from a TCP connection, once per read batch. */
  default void received(EventLoop loop, long bytes) {}

  /** Replies handed to a TCP connection, once per batch. */
  default void replied(EventLoop loop, long replies, long bytes) {}

  default void proxyHeader(EventLoop loop, boolean accepted) {}

  default void tlsHandshake(EventLoop loop, boolean succeeded) {}

  default void datagramReceived(EventLoop loop, long bytes) {}

  default void datagramReplied(EventLoop loop, long bytes) {}

  default void datagramDropped(EventLoop loop, UdpDrops.Reason reason) {}
}
