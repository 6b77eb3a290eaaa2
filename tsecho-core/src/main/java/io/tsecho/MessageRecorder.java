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

/** Keeps a copy of every message the server receives, in order, until cleared. Thread-safe. */
final class MessageRecorder implements MessageListener {
  private final List<ReceivedMessage> messages = new ArrayList<>();

  @Override
  public void received(Channel channel, SocketAddress sender, ByteBuf buffer, int index, int length) {
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

  void clear() {
    synchronized (messages) {
      messages.clear();
    }
  }
}
