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
  /** Told of each read; null, as almost always, when nobody listens. */
  private final MessageListener messages;
  private boolean wroteInBatch;

  /** @param messages told of each read, or null for none */
  EchoHandler(ConnectionLimits limits, ListenerEvents events, MessageListener messages) {
    super(Service.ECHO, limits, events);
    this.messages = messages;
  }

  @Override
  protected void onRead(ChannelHandlerContext ctx, ByteBuf in) {
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
