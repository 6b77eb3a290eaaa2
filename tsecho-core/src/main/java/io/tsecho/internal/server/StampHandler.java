package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
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
 * <p>Replies to one read batch are gathered into few buffers and flushed once when the batch ends,
 * so a batch of pipelined lines costs one write system call. The stamp is taken once per read.
 *
 * <p>Backpressure holds inside a batch: replies reach the channel every {@link #WRITE_CHUNK} bytes,
 * where the write-buffer watermark sees them, and once the channel stops being writable the handler
 * stops parsing, keeps the rest of the read, and goes on where it stopped when the client has read
 * enough. So a connection holds at most its high watermark plus one chunk of replies, whatever the
 * line lengths.
 */
public final class StampHandler extends TcpServiceHandler {

  /**
   * Payloads up to this size are copied into the batch's reply buffer; longer ones are sent as
   * slices of the received buffer. Below it, a copy is cheaper than tracking one more buffer.
   */
  static final int COPY_BREAK = 1024;

  /** Gathered replies are handed to the channel once they reach this size. */
  static final int WRITE_CHUNK = 16 * 1024;

  /**
   * The quiet period for a trailing piece from a client that has sent complete lines before: it is
   * writing lines, so the piece is almost surely the start of the next one still on its way.
   */
  static final long LINE_CLIENT_PARTIAL_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** With no quiet period, the wait for a transport that stopped reading at its per-batch limit to read again. */
  static final long MIN_PARTIAL_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static final byte LF = '\n';

  /** How the listener stamps, shared by all its connections. */
  private final StampSettings stamp;
  /** For whoami, this connection's part of each reply after the stamp; made when serving starts. */
  private byte[] header;

  /** Bytes of a line still waiting for its newline, in a buffer sized to what it holds. */
  private ByteBuf partial;
  /** When the first byte of {@link #partial} arrived. */
  private long partialSinceNanos;
  /** Input read but not parsed yet, because the client stopped reading its replies. */
  private ByteBuf unparsed;
  /** Replies gathered but not yet handed to the channel. */
  private ByteBuf replies;
  private boolean wroteInBatch;
  private boolean parsing;
  /** Pending check of a trailing piece; at most one per connection. */
  private Future<?> partialTimer;
  /** Pending check of the line deadline; at most one per connection. */
  private Future<?> lineTimer;
  /** When reading last resumed after backpressure: a paused socket is not a quiet client. */
  private long resumedNanos;
  private boolean sentNewline;

  /** A handler that reports to no listener's events: for benchmarks and tests. */
  public StampHandler(ConnectionLimits limits, Stamper stamper, InputProbe input) {
    this(limits, ListenerEvents.NONE, stamper, input);
  }

  /** A stamp handler reporting to {@code events}: for benchmarks of the path with metrics on. */
  public StampHandler(ConnectionLimits limits, ListenerEvents events, Stamper stamper, InputProbe input) {
    this(limits, events, stamper, input, null);
  }

  /**
   * @param input tells whether a read batch may have left bytes in the socket
   * @param whoami for the whoami service, what goes between the stamp and each message; null for stamp
   */
  StampHandler(ConnectionLimits limits, ListenerEvents events, Stamper stamper, InputProbe input, WhoamiHeader whoami) {
    this(limits, events, stamper, input, whoami, null);
  }

  /** @param messages told of each message answered, or null for none */
  StampHandler(ConnectionLimits limits, ListenerEvents events, Stamper stamper, InputProbe input, WhoamiHeader whoami,
      MessageListener messages) {
    this(StampSettings.of(
        ConnectionSettings.of(whoami == null ? Service.STAMP : Service.WHOAMI, limits, events, messages),
        stamper, input, whoami));
  }

  /** A connection of a listener whose stamp settings are made once for all its connections. */
  StampHandler(StampSettings stamp) {
    super(stamp.connection());
    this.stamp = stamp;
  }

  @Override
  protected void onOpen(ChannelHandlerContext ctx) {
    if (stamp.whoami() != null) {
      header = stamp.whoami().forConnection(ctx.channel());
    }
  }

  @Override
  protected void onRead(ChannelHandlerContext ctx, ByteBuf in) {
    if (unparsed != null || isPaused()) {
      // A read that was already under way when reading paused: it waits, behind any input kept before it.
      unparsed = unparsed == null ? in : ctx.alloc().compositeBuffer().addComponents(true, unparsed, in);
      account(ctx);
      return;
    }
    parse(ctx, stamp.stamper().current(), in);
  }

  /** Answers what {@code in} holds; owns it, and keeps it as {@link #unparsed} if the client stops reading. */
  private void parse(ChannelHandlerContext ctx, byte[] prefix, ByteBuf in) {
    parsing = true;
    try {
      if (stamp.framing() == Framing.RAW) {
        reply(ctx, prefix, in, in.readerIndex(), in.readableBytes());
        in.release();
      } else {
        parseLines(ctx, prefix, in);
      }
    } finally {
      parsing = false;
    }
  }

  private void parseLines(ChannelHandlerContext ctx, byte[] prefix, ByteBuf in) {
    int maxLine = stamp.maxLine();
    int from = in.readerIndex();
    int end = in.writerIndex();
    if (partial != null) {
      int eol = in.indexOf(from, end, LF);
      int take = (eol < 0 ? end : eol + 1) - from;
      int contentLength = partial.readableBytes() + (eol < 0 ? take : take - 1);
      if (contentLength > maxLine) {
        in.release();
        closeWithError(ctx, CloseReason.LINE_TOO_LONG, stamp.lineTooLongError());
        return;
      }
      if (!appendToPartial(ctx, in, from, take) || eol < 0) {
        in.release();
        return;
      }
      from = eol + 1;
      sentNewline = true;
      if (replyToPartial(ctx, prefix) && !keepParsing(ctx)) {
        keepUnparsed(ctx, in, from);
        return;
      }
    }
    while (from < end) {
      int eol = in.indexOf(from, end, LF);
      if (eol < 0) {
        break;
      }
      if (eol - from > maxLine) {
        in.release();
        closeWithError(ctx, CloseReason.LINE_TOO_LONG, stamp.lineTooLongError());
        return;
      }
      sentNewline = true;
      boolean handedOver = reply(ctx, prefix, in, from, eol + 1 - from);
      from = eol + 1;
      if (handedOver && !keepParsing(ctx)) {
        keepUnparsed(ctx, in, from);
        return;
      }
    }
    int rest = end - from;
    if (rest > 0) {
      if (rest > maxLine) {
        in.release();
        closeWithError(ctx, CloseReason.LINE_TOO_LONG, stamp.lineTooLongError());
        return;
      }
      startPartial(ctx, in, from, rest);
    }
    in.release();
  }

  /**
   * Called once replies have reached the channel: parsing goes on while the channel is writable,
   * after a flush that lets the socket take what it can.
   */
  private boolean keepParsing(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      return true;
    }
    writeReplies(ctx);
    wroteInBatch = false;
    ctx.flush();
    return ctx.channel().isWritable();
  }

  private void keepUnparsed(ChannelHandlerContext ctx, ByteBuf in, int from) {
    if (from < in.writerIndex() && !isClosing()) {
      unparsed = in.readerIndex(from);
    } else {
      in.release();
    }
    account(ctx);
  }

  private void startPartial(ChannelHandlerContext ctx, ByteBuf in, int from, int length) {
    if (!reserve(ctx, length)) {
      return;
    }
    partial = ctx.alloc().buffer(length);
    Buffers.append(partial, in, from, length);
    partialSinceNanos = ctx.executor().ticker().nanoTime();
    if (stamp.lineTimeoutNanos() > 0 && lineTimer == null) {
      scheduleLineCheck(ctx, stamp.lineTimeoutNanos());
    }
  }

  /** Grows the partial line by half its size at most, so that it stays close to what it holds. */
  private boolean appendToPartial(ChannelHandlerContext ctx, ByteBuf in, int from, int length) {
    int needed = partial.readableBytes() + length;
    if (needed > partial.capacity()) {
      int grown = Math.max(needed, Math.min(stamp.maxLine() + 1, partial.capacity() + partial.capacity() / 2));
      if (!reserve(ctx, grown - partial.capacity())) {
        return false;
      }
      partial.capacity(grown);
    }
    Buffers.append(partial, in, from, length);
    return true;
  }

  /** @return true if replies were handed to the channel, where the write-buffer watermark sees them */
  private boolean reply(ChannelHandlerContext ctx, byte[] prefix, ByteBuf source, int index, int length) {
    MessageListener messages = stamp.connection().messages();
    if (messages != null) {
      messages.received(ctx.channel(), Peer.of(ctx.channel()).client(), source, index, length);
    }
    if (replies == null) {
      int expected = 2 * (source.readableBytes() + prefix.length);
      replies = ctx.alloc().ioBuffer(Math.max(256, Math.min(expected, WRITE_CHUNK + COPY_BREAK + prefix.length)));
    }
    wroteInBatch = true;
    replies.writeBytes(prefix);
    if (header != null) {
      replies.writeBytes(header);
      countReply(prefix.length + header.length + length);
    } else {
      countReply(prefix.length + length);
    }
    if (length <= COPY_BREAK) {
      Buffers.append(replies, source, index, length);
      if (replies.readableBytes() < WRITE_CHUNK) {
        return false;
      }
      writeReplies(ctx);
    } else {
      writeReplies(ctx);
      ctx.write(source.retainedSlice(index, length), ctx.voidPromise());
    }
    return true;
  }

  private boolean replyToPartial(ChannelHandlerContext ctx, byte[] prefix) {
    boolean handedOver = reply(ctx, prefix, partial, partial.readerIndex(), partial.readableBytes());
    releasePartial(); // a slice of it may still be queued for writing, so it is never reused
    return handedOver;
  }

  /** A trailing piece answered without its newline: counted, since a line may have been split there. */
  private void answerPiece(ChannelHandlerContext ctx) {
    replyToPartial(ctx, stamp.stamper().current());
    limits().stats().recordPieceAnswered();
  }

  @Override
  protected void onReadComplete(ChannelHandlerContext ctx) {
    if (stamp.framing() == Framing.AUTO && partial != null && unparsed == null && !isPaused()) {
      boolean mayHaveMore = stamp.input().mayHaveMoreInput(ctx.channel());
      if (stamp.partialDelayNanos() == 0 && !mayHaveMore) {
        answerPiece(ctx);
      } else {
        // Armed even when the socket may hold more: a transport that stopped at its per-batch
        // limit might not read again by itself, and the piece must not wait for the idle time-out.
        schedulePartialCheck(ctx, Math.max(quietPeriodNanos(), MIN_PARTIAL_CHECK_NANOS));
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
    long partialDelayNanos = stamp.partialDelayNanos();
    return sentNewline ? Math.max(partialDelayNanos, LINE_CLIENT_PARTIAL_DELAY_NANOS) : partialDelayNanos;
  }

  private void checkPartial(ChannelHandlerContext ctx) {
    partialTimer = null;
    if (partial == null || unparsed != null || isClosing() || isPaused()) {
      return; // answered, closing, or paused: resuming reads arms the check again
    }
    long quietNanos = ctx.executor().ticker().nanoTime() - Math.max(lastReadNanos(), resumedNanos);
    if (quietNanos < quietPeriodNanos()) {
      schedulePartialCheck(ctx, quietPeriodNanos() - quietNanos);
      return;
    }
    answerPiece(ctx);
    flushReplies(ctx);
    account(ctx);
  }

  private void scheduleLineCheck(ChannelHandlerContext ctx, long delayNanos) {
    lineTimer = ctx.executor().schedule(() -> checkLine(ctx), delayNanos, TimeUnit.NANOSECONDS);
  }

  /** A line unfinished for the line time-out closes the connection; time spent paused by backpressure does not count. */
  private void checkLine(ChannelHandlerContext ctx) {
    lineTimer = null;
    if (partial == null || isClosing()) {
      return; // the next partial line arms the check again
    }
    long lineTimeoutNanos = stamp.lineTimeoutNanos();
    long waitedNanos = ctx.executor().ticker().nanoTime() - Math.max(partialSinceNanos, resumedNanos);
    if (isPaused()) {
      scheduleLineCheck(ctx, lineTimeoutNanos);
    } else if (waitedNanos < lineTimeoutNanos) {
      scheduleLineCheck(ctx, lineTimeoutNanos - waitedNanos);
    } else {
      closeWithError(ctx, CloseReason.LINE_TIMEOUT, stamp.lineTimeoutError());
    }
  }

  @Override
  protected void onResumed(ChannelHandlerContext ctx) {
    if (parsing) {
      return; // the client caught up during a flush of the parse loop, which goes on by itself
    }
    resumedNanos = ctx.executor().ticker().nanoTime();
    if (unparsed != null) {
      ByteBuf in = unparsed;
      unparsed = null;
      parse(ctx, stamp.stamper().current(), in);
      flushReplies(ctx);
    }
    if (partial != null && stamp.framing() == Framing.AUTO && unparsed == null && !isPaused() && !isClosing()) {
      schedulePartialCheck(ctx, quietPeriodNanos());
    }
  }

  @Override
  protected boolean hasUnansweredInput() {
    return unparsed != null;
  }

  @Override
  protected long heldBytes() {
    return (partial == null ? 0 : partial.capacity()) + (unparsed == null ? 0 : unparsed.capacity());
  }

  /**
   * In auto framing, all input has been read (or the server is stopping): a trailing piece is as
   * complete as it gets. Input kept unparsed because the client stopped reading is dropped: that
   * client is not reading the replies it already has.
   */
  @Override
  protected void beforeClose(ChannelHandlerContext ctx, boolean inputEnded) {
    cancelTimers();
    releaseUnparsed();
    if (partial != null && stamp.framing() == Framing.AUTO) {
      answerPiece(ctx);
    }
    writeReplies(ctx);
    wroteInBatch = false;
  }

  @Override
  protected void discardInput() {
    releasePartial();
    releaseUnparsed();
    cancelTimers();
  }

  private void cancelTimers() {
    if (partialTimer != null) {
      partialTimer.cancel(false);
      partialTimer = null;
    }
    if (lineTimer != null) {
      lineTimer.cancel(false);
      lineTimer = null;
    }
  }

  @Override
  protected void release() {
    discardInput();
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

  private void releaseUnparsed() {
    if (unparsed != null) {
      unparsed.release();
      unparsed = null;
    }
  }
}
