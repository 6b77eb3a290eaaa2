package io.tsecho.internal.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.tsecho.config.Listener;
import io.tsecho.internal.net.Addresses;
import io.tsecho.internal.net.SocketTrace;
import org.slf4j.Logger;

/**
 * {@code --trace} for a UDP listener: a {@code recvfrom()} line per datagram in and a
 * {@code sendto()} line per datagram out, named by the listener's socket, since one socket serves
 * every peer. In the pipeline only when the trace is on. A datagram that is dropped shows as a
 * {@code recvfrom()} without its {@code sendto()}.
 */
final class DatagramTraceHandler extends ChannelDuplexHandler {
  private final Listener listener;
  private final Logger log;
  /** The listener with the port it got; known once the socket is bound. */
  private String name;

  DatagramTraceHandler(Listener listener, Logger log) {
    this.listener = listener;
    this.log = log;
  }

  private String name(ChannelHandlerContext ctx) {
    if (name == null) {
      name = listener.describe(Addresses.format(ctx.channel().localAddress()));
    }
    return name;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof DatagramPacket) {
      DatagramPacket packet = (DatagramPacket) msg;
      log.info(SocketTrace.line(name(ctx), SocketTrace.recvfrom(packet.content(), packet.sender())));
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof DatagramPacket) {
      DatagramPacket packet = (DatagramPacket) msg;
      log.info(SocketTrace.line(name(ctx), SocketTrace.sendto(packet.content(), packet.recipient())));
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    log.info(SocketTrace.line(name(ctx), SocketTrace.error(cause)));
    super.exceptionCaught(ctx, cause);
  }
}
