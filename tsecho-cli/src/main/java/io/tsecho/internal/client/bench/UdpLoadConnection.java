package io.tsecho.internal.client.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/** A load "connection" over UDP: a connected datagram socket, one request and one reply per datagram. */
final class UdpLoadConnection extends LoadConnection {
  private boolean written;

  UdpLoadConnection(BenchRun run, int id) {
    super(run, id);
  }

  @Override
  protected ByteBuf newBatch() {
    return null; // each request is its own datagram
  }

  /**
   * A whoami reply over UDP may be at most 64 bytes longer than its request, so each request is
   * padded after its newline to this size: room for an instance and a host name of 250 characters
   * each. The server does not echo the padding.
   */
  static final int WHOAMI_DATAGRAM = 1024;

  @Override
  protected ByteBuf write(ByteBuf unused, long seq) {
    int size = run.whoami() ? Math.max(WHOAMI_DATAGRAM, payloads.size()) : payloads.size();
    ByteBuf datagram = ctx.alloc().ioBuffer(size);
    payloads.write(datagram, seq);
    datagram.writeZero(size - payloads.size());
    ctx.write(datagram, ctx.voidPromise());
    written = true;
    return null;
  }

  @Override
  protected void flush(ByteBuf unused) {
    if (written) {
      written = false;
      ctx.flush();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof DatagramPacket)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    DatagramPacket packet = (DatagramPacket) msg;
    try {
      ByteBuf content = packet.content();
      long now = run.nanoTime();
      int length = content.readableBytes();
      received(length, now);
      // A reply ends with the request's newline; the check excludes it, as for TCP lines. A whoami
      // reply echoes the request up to its newline, not the padding after it.
      boolean newline = length > 0 && content.getByte(content.writerIndex() - 1) == '\n';
      reply(content, content.readerIndex(), newline ? length - 1 : -1, now);
    } finally {
      packet.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    readBatchDone();
  }
}
