package io.tsecho.internal.client.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/** A load connection over TCP: requests are lines, replies are lines. */
final class TcpLoadConnection extends LoadConnection {
  /** The start of a reply line split across reads. */
  private ByteBuf carry;

  TcpLoadConnection(BenchRun run, int id) {
    super(run, id);
  }

  @Override
  protected ByteBuf newBatch() {
    return ctx.alloc().ioBuffer(payloads.size() * Math.min(run.options.depth(), 64));
  }

  @Override
  protected ByteBuf write(ByteBuf batch, long seq) {
    payloads.write(batch, seq);
    return batch;
  }

  @Override
  protected void flush(ByteBuf batch) {
    ctx.writeAndFlush(batch, ctx.voidPromise());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    try {
      long now = run.nanoTime();
      received(in.readableBytes(), now);
      if (carry != null && carry.isReadable()) {
        int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (eol < 0) {
          carry.writeBytes(in);
          return;
        }
        carry.writeBytes(in, in.readerIndex(), eol + 1 - in.readerIndex());
        in.readerIndex(eol + 1);
        reply(carry, carry.readerIndex(), carry.readableBytes() - 1, now);
        carry.clear();
      }
      int from = in.readerIndex();
      int end = in.writerIndex();
      int eol;
      while ((eol = in.indexOf(from, end, (byte) '\n')) >= 0) {
        reply(in, from, eol - from, now);
        from = eol + 1;
      }
      if (from < end) {
        if (carry == null) {
          carry = ctx.alloc().heapBuffer(256);
        }
        carry.writeBytes(in, from, end - from);
      }
    } finally {
      in.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    readBatchDone();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (carry != null) {
      carry.release();
      carry = null;
    }
  }
}
