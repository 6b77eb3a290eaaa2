package io.tsecho.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import io.tsecho.protocol.Framing;
import io.tsecho.protocol.Stamper;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each message of one TCP connection with {@code "[" + timestamp + "] " + message}, the
 * message's bytes untouched. Stateful: one instance per connection.
 *
 * <p>All replies to one read batch are gathered into one buffer and flushed once when the batch
 * ends, so a batch of pipelined lines costs one write system call. The stamp is taken once per read.
 */
public final class StampHandler extends ChannelInboundHandlerAdapter {

  /**
   * Payloads up to this size are copied into the batch's reply buffer; longer ones are sent as
   * slices of the received buffer. Below it, a copy is cheaper than tracking one more buffer.
   */
  static final int COPY_BREAK = 1024;

  /**
   * How long a closing connection may take to drain its replies and let the client close its side
   * (so that unread input does not turn the close into a reset that destroys the last reply).
   */
  static final long CLOSE_TIMEOUT_MILLIS = 10_000;

  /** The same bound when the server itself is stopping: it should not wait long on idle clients. */
  static final long SHUTDOWN_CLOSE_TIMEOUT_MILLIS = 1_000;

  /**
   * The quiet period for a trailing piece from a client that has sent complete lines before: it is
   * writing lines, so the piece is almost surely the start of the next one still on its way.
   */
  static final long LINE_CLIENT_PARTIAL_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final Logger CONNECTIONS = LoggerFactory.getLogger("io.tsecho.connections");
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
  private boolean closing;
  private boolean inputShutdown;
  private Future<?> forcedClose;
  /** Pending check of a trailing piece; at most one per connection. */
  private Future<?> partialTimer;
  private long lastReadNanos;
  private boolean sentNewline;

  private long openedAtNanos;
  private long bytesIn;
  private long bytesOut;
  private long messages;
  private String closeReason;

  /**
   * @param partialDelayNanos in auto framing, how long the socket must stay quiet before a trailing
   *     piece without a newline is answered; 0 answers it as soon as a read finds the socket empty
   */
  public StampHandler(Framing framing, int maxLine, Stamper stamper, InputProbe input, long partialDelayNanos) {
    this.framing = framing;
    this.maxLine = maxLine;
    this.stamper = stamper;
    this.input = input;
    this.partialDelayNanos = partialDelayNanos;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    openedAtNanos = System.nanoTime();
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf in = (ByteBuf) msg;
    try {
      if (closing) {
        return; // the connection is on its way out; what it still sends is not answered
      }
      bytesIn += in.readableBytes();
      lastReadNanos = ctx.executor().ticker().nanoTime();
      byte[] prefix = stamper.prefix();
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
      partial.writeBytes(in, from, take);
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
      partial.writeBytes(in, from, rest);
    }
  }

  private void reply(ChannelHandlerContext ctx, byte[] prefix, ByteBuf source, int index, int length) {
    if (replies == null) {
      replies = ctx.alloc().ioBuffer(Math.max(256, 2 * (source.readableBytes() + prefix.length)));
    }
    replies.writeBytes(prefix);
    if (length <= COPY_BREAK) {
      replies.writeBytes(source, index, length);
    } else {
      ctx.write(replies, ctx.voidPromise());
      replies = null;
      ctx.write(source.retainedSlice(index, length), ctx.voidPromise());
    }
    wroteInBatch = true;
    bytesOut += prefix.length + length;
    messages++;
  }

  private void replyToPartial(ChannelHandlerContext ctx, byte[] prefix) {
    reply(ctx, prefix, partial, partial.readerIndex(), partial.readableBytes());
    releasePartial(); // a slice of it may still be queued for writing, so it is never reused
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (framing == Framing.AUTO && partial != null && !closing && !input.mayHaveMoreInput(ctx.channel())) {
      if (partialDelayNanos == 0) {
        replyToPartial(ctx, stamper.prefix());
      } else {
        schedulePartialCheck(ctx, quietPeriodNanos());
      }
    }
    flushReplies(ctx);
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
    if (partial == null || closing || !ctx.channel().config().isAutoRead()) {
      return; // answered, closing, or paused: resuming reads arms the check again
    }
    long quietNanos = ctx.executor().ticker().nanoTime() - lastReadNanos;
    if (quietNanos < quietPeriodNanos()) {
      schedulePartialCheck(ctx, quietPeriodNanos() - quietNanos);
      return;
    }
    replyToPartial(ctx, stamper.prefix());
    flushReplies(ctx);
  }

  private void flushReplies(ChannelHandlerContext ctx) {
    if (replies != null) {
      ctx.write(replies, ctx.voidPromise());
      replies = null;
    }
    if (wroteInBatch) {
      wroteInBatch = false;
      ctx.flush();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    // Backpressure: a client that does not read its replies stops being read from.
    if (!closing) {
      boolean writable = ctx.channel().isWritable();
      ctx.channel().config().setAutoRead(writable);
      if (writable && partial != null && framing == Framing.AUTO) {
        lastReadNanos = ctx.executor().ticker().nanoTime();
        schedulePartialCheck(ctx, quietPeriodNanos());
      }
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputShutdown = true;
      if (closing) {
        ctx.close(); // the client has read our last words and closed its side
      } else {
        answerRestAndClose(ctx, "peer closed", CLOSE_TIMEOUT_MILLIS);
      }
    } else if (evt == ServerShutdown.INSTANCE) {
      answerRestAndClose(ctx, "server shutdown", SHUTDOWN_CLOSE_TIMEOUT_MILLIS);
    } else if (evt instanceof IdleStateEvent) {
      closeReason = "idle timeout";
      ctx.close();
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  /** Stamps a trailing piece in auto framing (line framing answers complete lines only), then closes once written. */
  private void answerRestAndClose(ChannelHandlerContext ctx, String reason, long closeTimeoutMillis) {
    if (closing) {
      return;
    }
    if (partial != null && framing == Framing.AUTO) {
      // All input has been read (or the server is stopping): the piece is as complete as it will be.
      replyToPartial(ctx, stamper.prefix());
    }
    closeAfterReplies(ctx, reason, Unpooled.EMPTY_BUFFER, closeTimeoutMillis);
  }

  private void closeForLineTooLong(ChannelHandlerContext ctx) {
    releasePartial();
    closeAfterReplies(ctx, "line too long", Unpooled.wrappedBuffer(ErrorReplies.lineTooLong(maxLine)),
        CLOSE_TIMEOUT_MILLIS);
  }

  /**
   * Writes what is pending and {@code last}, then closes. If the client may still be sending, the
   * server half-closes and reads to the client's end of input first: closing a socket with unread
   * input sends a reset, which can destroy the replies before the client reads them.
   */
  private void closeAfterReplies(ChannelHandlerContext ctx, String reason, ByteBuf last, long timeoutMillis) {
    closing = true;
    closeReason = reason;
    cancelPartialTimer();
    if (replies != null) {
      ctx.write(replies, ctx.voidPromise());
      replies = null;
    }
    wroteInBatch = false;
    ChannelFuture written = ctx.writeAndFlush(last);
    if (inputShutdown || !(ctx.channel() instanceof DuplexChannel)) {
      written.addListener(ChannelFutureListener.CLOSE);
    } else {
      written.addListener((ChannelFuture f) -> {
        if (f.isSuccess()) {
          ((DuplexChannel) f.channel()).shutdownOutput();
        } else {
          f.channel().close();
        }
      });
      ctx.channel().config().setAutoRead(true); // input is read and dropped until the client closes
    }
    // A client that never reads or never closes would keep the connection for ever.
    forcedClose = ctx.executor().schedule(() -> {
      ctx.close();
    }, timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private void cancelPartialTimer() {
    if (partialTimer != null) {
      partialTimer.cancel(false);
      partialTimer = null;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (closeReason == null) {
      closeReason = cause instanceof IOException ? "error: " + cause.getMessage() : "internal error: " + cause;
    }
    if (!(cause instanceof IOException)) {
      CONNECTIONS.warn("unexpected error on {}: {}", Addresses.format(ctx.channel().remoteAddress()), cause.toString());
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releasePartial();
    if (replies != null) {
      replies.release();
      replies = null;
    }
    if (forcedClose != null) {
      forcedClose.cancel(false);
    }
    cancelPartialTimer();
    if (CONNECTIONS.isInfoEnabled()) {
      CONNECTIONS.info("closed tcp peer={} local={} in={}B out={}B messages={} duration={}ms reason={}",
          Addresses.format(ctx.channel().remoteAddress()), Addresses.format(ctx.channel().localAddress()),
          bytesIn, bytesOut, messages, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAtNanos),
          closeReason != null ? closeReason : "closed");
    }
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releasePartial();
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

  long bytesIn() {
    return bytesIn;
  }

  long bytesOut() {
    return bytesOut;
  }

  long messages() {
    return messages;
  }
}
