package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * An in-memory connection whose client reads only when told to: flushed replies stay queued in the
 * channel, as on a socket whose peer does not read, so the write-buffer watermark and writability
 * behave as they do on a real connection. Its clock is frozen, as {@link FrozenTimeChannel}'s.
 */
final class SlowReaderChannel extends FrozenTimeChannel {
  private long readable = 0;

  SlowReaderChannel(WriteBufferWaterMark waterMark, ChannelHandler... handlers) {
    super(EmbeddedChannel.builder().register(false).handlers(handlers));
    config().setWriteBufferWaterMark(waterMark);
    registerNow();
  }

  /** The client takes {@code bytes} of its queued replies, or all of them if fewer are queued. */
  void clientReads(long bytes) {
    readable = bytes;
    unsafe().flush();
    readable = 0;
    runPendingTasks();
  }

  /** The client reads everything queued, and everything the server sends while it does. */
  void clientReadsAll() {
    clientReads(Long.MAX_VALUE);
  }

  /** Bytes of replies flushed to the channel and not taken by the client yet. */
  long queuedBytes() {
    ChannelOutboundBuffer out = unsafe().outboundBuffer();
    long[] queued = {0};
    if (out != null) {
      try {
        out.forEachFlushedMessage(msg -> {
          queued[0] += msg instanceof ByteBuf ? ((ByteBuf) msg).readableBytes() : ((ByteBufHolder) msg).content().readableBytes();
          return true;
        });
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return queued[0];
  }

  @Override
  protected void doWrite(ChannelOutboundBuffer in) throws Exception {
    while (readable > 0) {
      Object current = in.current();
      if (current == null) {
        break;
      }
      if (!(current instanceof ByteBuf)) { // a datagram: taken whole
        readable -= ((ByteBufHolder) current).content().readableBytes();
        handleOutboundMessage(ReferenceCountUtil.retain(current));
        in.remove();
        continue;
      }
      ByteBuf msg = (ByteBuf) current;
      int take = (int) Math.min(readable, msg.readableBytes());
      readable -= take;
      handleOutboundMessage(msg.retainedSlice(msg.readerIndex(), take));
      if (take == msg.readableBytes()) {
        in.remove();
      } else {
        in.removeBytes(take);
      }
    }
  }
}
