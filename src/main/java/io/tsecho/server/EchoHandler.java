package io.tsecho.server;

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

  EchoHandler(ConnectionLimits limits, ListenerEvents events) {
    super(Service.ECHO, limits, events);
  }

  @Override
  protected void onRead(ChannelHandlerContext ctx, ByteBuf in) {
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
