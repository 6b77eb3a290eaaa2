package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.tsecho.config.Service;

/**
 * RFC 862 echo over TCP: every byte comes back unchanged, the received buffers sent as they are.
 * Each buffer reaches the channel as it is read, so backpressure stops reading after at most one
 * read beyond the high watermark.
 */
final class EchoHandler extends TcpServiceHandler {
  private boolean wroteInBatch;

  /** @param messages told of each read, or null for none */
  EchoHandler(ConnectionLimits limits, ListenerEvents events, MessageListener messages) {
    this(ConnectionSettings.of(Service.ECHO, limits, events, messages));
  }

  /** A connection of a listener whose settings are made once for all its connections. */
  EchoHandler(ConnectionSettings settings) {
    super(settings);
  }

  @Override
  protected void onRead(ChannelHandlerContext ctx, ByteBuf in) {
    MessageListener messages = settings().messages(); // null, as almost always, when nobody listens
    if (messages != null) {
      messages.received(ctx.channel(), Peer.of(ctx.channel()).client(), in, in.readerIndex(), in.readableBytes());
    }
    countReply(in.readableBytes());
    ctx.write(in, ctx.voidPromise());
    wroteInBatch = true;
  }

  @Override
  protected void onReadComplete(ChannelHandlerContext ctx) {
    if (wroteInBatch) {
      wroteInBatch = false;
      ctx.flush();
    }
  }
}
