package io.tsecho.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Future;
import io.tsecho.config.Service;
import io.tsecho.protocol.Framing;
import io.tsecho.protocol.Stamper;
import java.util.concurrent.TimeUnit;

/**
 * Answers each message of one TCP connection with {@code "[" + timestamp + "] " + message}, the
 * message's bytes untouched. Stateful: one instance per connection.
 *
 * <p>All replies to one read batch are gathered into one buffer and flushed once when the batch
 * ends, so a batch of pipelined lines costs one write system call. The stamp is taken once per read.
 */
public final class StampHandler extends TcpServiceHandler {

  /**
   * Payloads up to this size are copied into the batch's reply buffer; longer ones are sent as
   * slices of the received buffer. Below it, a copy is cheaper than tracking one more buffer.
   */
  static final int COPY_BREAK = 1024;

  /**
   * The quiet period for a trailing piece from a client that has sent complete lines before: it is
   * writing lines, so the piece is almost surely the start of the next one still on its way.
   */
  static final long LINE_CLIENT_PARTIAL_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final byte LF = '\n';

  private final Framing framing;
  private final int maxLine;
  private final Stamper stamper;
  private final InputProbe input;
  private final long partialDelayNanos;

  /** Bytes of a line still waiting for its newline (a copy: the read buffer goes back to the pool). */
  private ByteBuf partial;
  /** Replies of the current read batch, not yet written. */
  private ByteBuf replies;
  private boolean wroteInBatch;
  /** Pending check of a trailing piece; at most one per connection. */
  private Future<?> partialTimer;
  /** When reading last resumed after backpressure: a paused socket is not a quiet client. */
  private long resumedNanos;
  private boolean sentNewline;

  /**
   * @param partialDelayNanos in auto framing, how long the socket must stay quiet before a trailing
   *     piece without a newline is answered; 0 answers it as soon as a read finds the socket empty
   * @param idleTimeoutNanos how long the client may stay silent before it is closed; 0 for ever
   */
  public StampHandler(Framing framing, int maxLine, Stamper stamper, InputProbe input, long partialDelayNanos,
      long idleTimeoutNanos) {
    super(Service.STAMP, idleTimeoutNanos);
    this.framing = framing;
    this.maxLine = maxLine;
    this.stamper = stamper;
    this.input = input;
    this.partialDelayNanos = partialDelayNanos;
  }

  @Override
  protected void onRead(ChannelHandlerContext ctx, ByteBuf in) {
    try {
      byte[] prefix = stamper.current();
      if (framing == Framing.RAW) {
        reply(ctx, prefix, in, in.readerIndex(), in.readableBytes());
      } else {
        replyToLines(ctx, prefix, in);
      }
    } finally {
      in.release();
    }
  }

  private void replyToLines(ChannelHandlerContext ctx, byte[] prefix, ByteBuf in) {
    int from = in.readerIndex();
    int end = in.writerIndex();
    if (partial != null) {
      int eol = in.indexOf(from, end, LF);
      int take = (eol < 0 ? end : eol + 1) - from;
      int contentLength = partial.readableBytes() + (eol < 0 ? take : take - 1);
      if (contentLength > maxLine) {
        closeForLineTooLong(ctx);
        return;
      }
      Buffers.append(partial, in, from, take);
      if (eol < 0) {
        return;
      }
      from = eol + 1;
      sentNewline = true;
      replyToPartial(ctx, prefix);
    }
    while (from < end) {
      int eol = in.indexOf(from, end, LF);
      if (eol < 0) {
        break;
      }
      if (eol - from > maxLine) {
        closeForLineTooLong(ctx);
        return;
      }
      sentNewline = true;
      reply(ctx, prefix, in, from, eol + 1 - from);
      from = eol + 1;
    }
    int rest = end - from;
    if (rest > 0) {
      if (rest > maxLine) {
        closeForLineTooLong(ctx);
        return;
      }
      partial = ctx.alloc().buffer(Math.max(256, rest * 2));
      Buffers.append(partial, in, from, rest);
    }
  }

  private void reply(ChannelHandlerContext ctx, byte[] prefix, ByteBuf source, int index, int length) {
    if (replies == null) {
      replies = ctx.alloc().ioBuffer(Math.max(256, 2 * (source.readableBytes() + prefix.length)));
    }
    replies.writeBytes(prefix);
    if (length <= COPY_BREAK) {
      Buffers.append(replies, source, index, length);
    } else {
      ctx.write(replies, ctx.voidPromise());
      replies = null;
      ctx.write(source.retainedSlice(index, length), ctx.voidPromise());
    }
    wroteInBatch = true;
    countReply(prefix.length + length);
  }

  private void replyToPartial(ChannelHandlerContext ctx, byte[] prefix) {
    reply(ctx, prefix, partial, partial.readerIndex(), partial.readableBytes());
    releasePartial(); // a slice of it may still be queued for writing, so it is never reused
  }

  @Override
  protected void onReadComplete(ChannelHandlerContext ctx) {
    if (framing == Framing.AUTO && partial != null && !input.mayHaveMoreInput(ctx.channel())) {
      if (partialDelayNanos == 0) {
        replyToPartial(ctx, stamper.current());
      } else {
        schedulePartialCheck(ctx, quietPeriodNanos());
      }
    }
    flushReplies(ctx);
  }

  private void writeReplies(ChannelHandlerContext ctx) {
    if (replies != null) {
      ctx.write(replies, ctx.voidPromise());
      replies = null;
    }
  }

  private void flushReplies(ChannelHandlerContext ctx) {
    writeReplies(ctx);
    if (wroteInBatch) {
      wroteInBatch = false;
      ctx.flush();
    }
  }

  /**
   * A large client write can reach the server in pieces (a full send buffer, a busy core), so an
   * empty socket alone does not prove the client has paused: the piece is answered only once no
   * byte has arrived for the whole quiet period, and never while reading is suspended by backpressure.
   */
  private void schedulePartialCheck(ChannelHandlerContext ctx, long delayNanos) {
    if (partialTimer == null) {
      partialTimer = ctx.executor().schedule(() -> checkPartial(ctx), delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  private long quietPeriodNanos() {
    return sentNewline ? Math.max(partialDelayNanos, LINE_CLIENT_PARTIAL_DELAY_NANOS) : partialDelayNanos;
  }

  private void checkPartial(ChannelHandlerContext ctx) {
    partialTimer = null;
    if (partial == null || isClosing() || !ctx.channel().config().isAutoRead()) {
      return; // answered, closing, or paused: resuming reads arms the check again
    }
    long quietNanos = ctx.executor().ticker().nanoTime() - Math.max(lastReadNanos(), resumedNanos);
    if (quietNanos < quietPeriodNanos()) {
      schedulePartialCheck(ctx, quietPeriodNanos() - quietNanos);
      return;
    }
    replyToPartial(ctx, stamper.current());
    flushReplies(ctx);
  }

  @Override
  protected void onResumed(ChannelHandlerContext ctx) {
    if (partial != null && framing == Framing.AUTO) {
      resumedNanos = ctx.executor().ticker().nanoTime();
      schedulePartialCheck(ctx, quietPeriodNanos());
    }
  }

  /** In auto framing, all input has been read (or the server is stopping): a trailing piece is as complete as it gets. */
  @Override
  protected void beforeClose(ChannelHandlerContext ctx, boolean inputEnded) {
    cancelPartialTimer();
    if (partial != null && framing == Framing.AUTO) {
      replyToPartial(ctx, stamper.current());
    }
    writeReplies(ctx);
    wroteInBatch = false;
  }

  private void closeForLineTooLong(ChannelHandlerContext ctx) {
    releasePartial();
    cancelPartialTimer();
    writeReplies(ctx);
    wroteInBatch = false;
    closeAfterWrites(ctx, "line too long", Unpooled.wrappedBuffer(ErrorReplies.lineTooLong(maxLine)),
        CLOSE_TIMEOUT_MILLIS);
  }

  private void cancelPartialTimer() {
    if (partialTimer != null) {
      partialTimer.cancel(false);
      partialTimer = null;
    }
  }

  @Override
  protected void release() {
    releasePartial();
    cancelPartialTimer();
    if (replies != null) {
      replies.release();
      replies = null;
    }
  }

  private void releasePartial() {
    if (partial != null) {
      partial.release();
      partial = null;
    }
  }
}
