package io.tsecho;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramChannel;
import io.tsecho.config.Protocol;
import io.tsecho.internal.server.MessageListener;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a copy of the messages the server receives, in order, until cleared: at most {@link #LIMIT}
 * messages and {@link #LIMIT_BYTES} bytes, so that a test that drives load through the server does
 * not fill its heap. Thread-safe.
 */
final class MessageRecorder implements MessageListener {
  /** Enough for any test that looks at what it sent; the ones past it are counted. */
  static final int LIMIT = 100_000;
  /** Long lines count by their bytes: 64 MiB in all. */
  static final long LIMIT_BYTES = 64L << 20;

  private final List<ReceivedMessage> messages = new ArrayList<>();
  private long dropped;
  private long bytesKept;

  @Override
  public void received(Channel channel, SocketAddress sender, ByteBuf buffer, int index, int length) {
    synchronized (messages) {
      if (messages.size() >= LIMIT || bytesKept + length > LIMIT_BYTES) {
        dropped++;
        return;
      }
      bytesKept += length;
    }
    byte[] bytes = new byte[length];
    buffer.getBytes(index, bytes);
    Protocol protocol = channel instanceof DatagramChannel ? Protocol.UDP : Protocol.TCP;
    ReceivedMessage message = new ReceivedMessage(protocol, inet(channel.localAddress()), inet(sender), bytes);
    synchronized (messages) {
      messages.add(message);
    }
  }

  private static InetSocketAddress inet(SocketAddress address) {
    return address instanceof InetSocketAddress inet ? inet : null;
  }

  List<ReceivedMessage> snapshot() {
    synchronized (messages) {
      return List.copyOf(messages);
    }
  }

  /** Messages received but not kept, past {@link #LIMIT}, since the last clear. */
  long dropped() {
    synchronized (messages) {
      return dropped;
    }
  }

  void clear() {
    synchronized (messages) {
      messages.clear();
      dropped = 0;
      bytesKept = 0;
    }
  }
}
