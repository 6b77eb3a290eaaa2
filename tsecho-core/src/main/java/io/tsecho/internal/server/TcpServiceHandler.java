package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.tsecho.internal.net.Addresses;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The life of one TCP connection, whatever the service: counting, backpressure, deadlines, the
 * bytes it holds against the server's budget, the way it closes, and its log line. Subclasses say
 * what a read is answered with.
 *
 * <p>Deadlines are plain timers on the event loop rather than Netty's IdleStateHandler: one handler
 * less in every pipeline is about a tenth of the memory an idle connection costs. The idle time-out
 * is not even a timer of its own: {@link IdleTimeouts} keeps one per loop.
 */
abstract class TcpServiceHandler extends IdleTimeouts.Timed {

  /**
   * How long a closing connection may take to drain its replies and let the client close its side
   * (so that unread input does not turn the close into a reset that destroys the last reply).
   */
  static final long CLOSE_TIMEOUT_MILLIS = 10_000;

  /** The same bound when the server itself is stopping: it should not wait long on idle clients. */
  static final long SHUTDOWN_CLOSE_TIMEOUT_MILLIS = 1_000;

  /** How often a connection whose replies are stuck is checked for progress, at most. */
  private static final long WRITE_CHECK_MAX_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final Logger CONNECTIONS = LoggerFactory.getLogger("io.tsecho.connections");

  /** The listener's settings, shared by all its connections. */
  private final ConnectionSettings settings;

  private long lastReadNanos;
  /** This loop's idle time-outs, or null when connections never time out. */
  private IdleTimeouts.Loop idle;
  /** For the idle time-out, which comes from the loop rather than from an event of this connection. */
  private ChannelHandlerContext idleContext;

  /** Reading is stopped because the client does not read its replies. */
  private boolean paused;
  /** Watches the replies while they are stuck; made the first time they are. */
  private WriteWatch writes;

  /** Bytes reserved from the server's budget for what this connection holds. */
  private long reserved;
  private boolean drainWatched;

  private boolean closing;
  private boolean inputShutdown;
  private Future<?> forcedClose;
  private long openedAtNanos;
  private boolean opened;
  /** The faults this connection drew, told of each reply; null, as for almost every connection, when none. */
  private TcpFaultHandler faults;
  private long bytesIn;
  private long bytesOut;
  private long messages;
  /** What the listener's events have been told of, so that each batch reports only what is new. */
  private long reportedIn;
  private long reportedOut;
  private long reportedMessages;
  private CloseReason closeReason;
  private String closeDetail;

  TcpServiceHandler(ConnectionSettings settings) {
    this.settings = settings;
  }

  /** Answers one received buffer; owns it. Called only while the connection is not closing. */
  protected abstract void onRead(ChannelHandlerContext ctx, ByteBuf in);

  /** The read batch has ended: write and flush what it produced. */
  protected abstract void onReadComplete(ChannelHandlerContext ctx);

  /** Writes (without flushing) whatever is owed before the connection closes. */
  protected void beforeClose(ChannelHandlerContext ctx, boolean inputEnded) {}

  /**
   * The client reads its replies again. A subclass may answer input it kept while paused, and may
   * pause again; reading resumes only if it did not.
   */
  protected void onResumed(ChannelHandlerContext ctx) {}

  /** Bytes the subclass holds for this connection besides its queued replies: partial lines, unanswered input. */
  protected long heldBytes() {
    return 0;
  }

  /** Input read but not answered yet, because the client stopped reading its replies. */
  protected boolean hasUnansweredInput() {
    return false;
  }

  /** Drops what the subclass holds, because the connection is closing for breaking a rule. */
  protected void discardInput() {}

  /** Releases what the subclass holds when the connection is gone. */
  protected void release() {}

  protected final boolean isClosing() {
    return closing;
  }

  /** Reading is stopped by backpressure: the client does not read its replies. */
  protected final boolean isPaused() {
    return paused;
  }

  /** When the last read batch ended, on the event loop's ticker. */
  protected final long lastReadNanos() {
    return lastReadNanos;
  }

  protected final ConnectionSettings settings() {
    return settings;
  }

  protected final ConnectionLimits limits() {
    return settings.limits();
  }

  protected final void countReply(long bytes) {
    bytesOut += bytes;
    messages++;
    if (faults != null) {
      faults.replied(bytes);
    }
  }

  /** The connection is open and every stage in front of the service has passed: serving starts. */
  protected void onOpen(ChannelHandlerContext ctx) {}

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    open(ctx);
    super.channelActive(ctx);
  }

  /** Put in place after the connection opened, once the stages in front of it passed. */
  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      open(ctx);
    }
  }

  private void open(ChannelHandlerContext ctx) {
    if (opened) {
      return;
    }
    opened = true;
    faults = ctx.pipeline().get(TcpFaultHandler.class);
    openedAtNanos = System.nanoTime();
    lastReadNanos = ctx.executor().ticker().nanoTime();
    idle = settings.limits().idleTimeouts().of(ctx.executor());
    if (idle != null) {
      idleContext = ctx;
      idle.add(this, lastReadNanos);
    }
    onOpen(ctx);
  }

  @Override
  public final void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf in = (ByteBuf) msg;
    if (closing) {
      in.release(); // the connection is on its way out; what it still sends is not answered
      return;
    }
    bytesIn += in.readableBytes();
    onRead(ctx, in);
  }

  @Override
  public final void channelReadComplete(ChannelHandlerContext ctx) {
    lastReadNanos = ctx.executor().ticker().nanoTime();
    if (idle != null) {
      idle.touch(this, lastReadNanos);
    }
    if (!closing) {
      onReadComplete(ctx);
      account(ctx);
    }
    report(ctx);
  }

  /** Tells the listener's events what this connection read and answered since the last report. */
  private void report(ChannelHandlerContext ctx) {
    if (bytesIn != reportedIn) {
      settings.events().received(ctx.channel().eventLoop(), bytesIn - reportedIn);
      reportedIn = bytesIn;
    }
    if (bytesOut != reportedOut) {
      settings.events().replied(ctx.channel().eventLoop(), messages - reportedMessages, bytesOut - reportedOut);
      reportedOut = bytesOut;
      reportedMessages = messages;
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (isWatchingWrites() && ctx.channel().isWritable()) {
      // The socket took enough to go below the low watermark: progress, even if resuming queues more at once.
      writes.progressNanos = ctx.executor().ticker().nanoTime();
    }
    if (!closing) {
      if (ctx.channel().isWritable()) {
        if (paused) {
          resume(ctx);
        }
      } else if (!paused) {
        pause(ctx);
      }
    }
    super.channelWritabilityChanged(ctx);
  }

  /** Backpressure: a client that does not read its replies stops being read from. */
  private void pause(ChannelHandlerContext ctx) {
    paused = true;
    ctx.channel().config().setAutoRead(false);
    watchWrites(ctx);
  }

  private void resume(ChannelHandlerContext ctx) {
    paused = false;
    onResumed(ctx);
    if (!paused && !closing) {
      if (inputShutdown && !hasUnansweredInput()) {
        closeAtEndOfInput(ctx); // the client had half-closed while its last input waited
        return;
      }
      ctx.channel().config().setAutoRead(true);
    }
    if (!closing) {
      account(ctx);
    }
  }

  /** Bytes queued for this connection that the socket has not taken yet. */
  protected final long pendingOutboundBytes(ChannelHandlerContext ctx) {
    ChannelOutboundBuffer outbound = ctx.channel().unsafe().outboundBuffer();
    return outbound == null ? 0 : outbound.totalPendingWriteBytes();
  }

  /** Bytes of the first queued buffer that the socket has taken already. */
  private static long currentWriteProgress(ChannelHandlerContext ctx) {
    ChannelOutboundBuffer outbound = ctx.channel().unsafe().outboundBuffer();
    return outbound == null ? 0 : outbound.currentProgress();
  }

  /**
   * Brings this connection's reservation from the server's budget in line with what it holds now.
   * Costs nothing while it holds nothing, which is the case between batches for a client that reads.
   *
   * @return false if the budget had no room: the connection is then closing with an error line
   */
  protected final boolean account(ChannelHandlerContext ctx) {
    return reserve(ctx, 0);
  }

  /**
   * Like {@link #account}, with room for {@code extra} more bytes that the caller is about to
   * allocate; call it before allocating them.
   */
  protected final boolean reserve(ChannelHandlerContext ctx, long extra) {
    if (closing) {
      return false;
    }
    long pending = pendingOutboundBytes(ctx);
    long held = pending + heldBytes();
    long wanted = held + extra;
    if (held > 0) { // the server-wide peaks: a read and no write unless this is a new one
      settings.limits().stats().recordHeld(held);
      if (pending > 0) {
        settings.limits().stats().recordQueued(pending);
      }
    }
    if (wanted > reserved) {
      if (!settings.limits().budget().tryReserve(wanted - reserved)) {
        closeWithError(ctx, CloseReason.BUFFER_LIMIT, ErrorReplies.bufferLimit());
        return false;
      }
    } else if (wanted < reserved) {
      settings.limits().budget().release(reserved - wanted);
    }
    reserved = wanted;
    if (pending > 0 && !drainWatched) {
      watchDrain(ctx);
    }
    return true;
  }

  /**
   * Queued replies leave without any event of their own: a marker written after them says when they
   * are gone, so that the reservation shrinks with them. Only connections whose socket was full pay
   * for it. The marker's own bookkeeping leaves the queue just after its promise completes, hence
   * the task.
   */
  private void watchDrain(ChannelHandlerContext ctx) {
    drainWatched = true;
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ctx.executor().execute(() -> {
      drainWatched = false;
      if (f.isSuccess()) {
        account(ctx);
      }
    }));
  }

  private void closeAtEndOfInput(ChannelHandlerContext ctx) {
    beforeClose(ctx, true);
    closeAfterWrites(ctx, CloseReason.PEER_CLOSED, Unpooled.EMPTY_BUFFER);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputShutdown = true;
      if (closing) {
        if (pendingOutboundBytes(ctx) == 0) {
          ctx.close(); // the client has our last words and closed its side
        } // else the last write closes the connection once the client has taken it
      } else if (!hasUnansweredInput()) {
        closeAtEndOfInput(ctx);
      } // else the rest is answered as the client reads, and resume() closes after it
    } else if (evt instanceof TcpFaultHandler.FaultClose) {
      closeReason = CloseReason.FAULT;
      closeDetail = "fault " + ((TcpFaultHandler.FaultClose) evt).kind().cliName();
    } else if (evt == ServerShutdown.INSTANCE) {
      if (!closing) {
        beforeClose(ctx, false);
        closeAfterWrites(ctx, CloseReason.SERVER_SHUTDOWN, Unpooled.EMPTY_BUFFER);
      }
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  /** Silent for the whole idle time-out; the loop has stopped timing this connection. */
  @Override
  void idleTimeoutReached(long nowNanos) {
    ChannelHandlerContext ctx = idleContext;
    if (closing || !ctx.channel().isActive()) {
      return; // a closing connection has its own deadline
    }
    if (paused || pendingOutboundBytes(ctx) > 0) {
      // A client that is owed replies is judged by how it reads them, not by its silence.
      watchWrites(ctx);
      idle.add(this, nowNanos);
    } else {
      closeReason = CloseReason.IDLE_TIMEOUT;
      ctx.close();
    }
  }

  /**
   * Starts watching the queued replies: without progress for the write time-out, the connection is
   * closed, whether it was serving or already closing.
   */
  private void watchWrites(ChannelHandlerContext ctx) {
    if (settings.writeTimeoutNanos() == 0 || isWatchingWrites()) {
      return;
    }
    if (writes == null) {
      writes = new WriteWatch();
    }
    writes.progressNanos = ctx.executor().ticker().nanoTime();
    writes.pendingAtCheck = pendingOutboundBytes(ctx);
    writes.progressAtCheck = currentWriteProgress(ctx);
    scheduleWriteCheck(ctx);
  }

  private boolean isWatchingWrites() {
    return writes != null && writes.timer != null;
  }

  private void scheduleWriteCheck(ChannelHandlerContext ctx) {
    long interval = Math.max(1, Math.min(settings.writeTimeoutNanos() / 4, WRITE_CHECK_MAX_INTERVAL_NANOS));
    writes.timer = ctx.executor().schedule(() -> checkWrites(ctx), interval, TimeUnit.NANOSECONDS);
  }

  private void checkWrites(ChannelHandlerContext ctx) {
    writes.timer = null;
    long pending = pendingOutboundBytes(ctx);
    if (!ctx.channel().isActive() || (!paused && pending == 0)) {
      return; // caught up; a closing connection now only waits for the client to close its side
    }
    long now = ctx.executor().ticker().nanoTime();
    long progress = currentWriteProgress(ctx);
    // The client took some of its replies since the last check: a whole buffer, or part of the first.
    if (pending < writes.pendingAtCheck || (pending == writes.pendingAtCheck && progress > writes.progressAtCheck)) {
      writes.progressNanos = now;
    }
    writes.pendingAtCheck = pending;
    writes.progressAtCheck = progress;
    if (now - writes.progressNanos >= settings.writeTimeoutNanos()) {
      closeReason = CloseReason.WRITE_TIMEOUT;
      ctx.close();
    } else {
      scheduleWriteCheck(ctx);
    }
  }

  /**
   * Sends the client one error line after the replies it is already owed, and closes: the
   * connection broke a rule. Input it sent but that was not answered yet is dropped.
   */
  protected final void closeWithError(ChannelHandlerContext ctx, CloseReason reason, byte[] errorLine) {
    discardInput();
    long held = pendingOutboundBytes(ctx) + heldBytes();
    if (held < reserved) { // what was dropped goes back to the budget now, not when the client has left
      settings.limits().budget().release(reserved - held);
      reserved = held;
    }
    beforeClose(ctx, false);
    closeAfterWrites(ctx, reason, Unpooled.wrappedBuffer(errorLine));
  }

  /**
   * Writes {@code last} after everything already written, then closes. If the client may still be
   * sending, the server half-closes and reads to the client's end of input first: closing a socket
   * with unread input sends a reset, which can destroy the replies before the client reads them.
   *
   * <p>A client still owed replies has as long as it keeps reading them (the write time-out); once
   * they are written, it has {@link #CLOSE_TIMEOUT_MILLIS} to close its side. When the server stops,
   * the whole close takes at most {@link #SHUTDOWN_CLOSE_TIMEOUT_MILLIS}.
   */
  protected final void closeAfterWrites(ChannelHandlerContext ctx, CloseReason reason, ByteBuf last) {
    closing = true;
    stopIdleTimeout();
    closeReason = reason;
    ChannelFuture written = ctx.writeAndFlush(last);
    written.addListener((ChannelFuture f) -> {
      if (f.isSuccess() && !inputShutdown && f.channel() instanceof DuplexChannel) {
        shutdownOutput(ctx, (DuplexChannel) f.channel());
      } else {
        f.channel().close();
      }
    });
    if (!inputShutdown) {
      ctx.channel().config().setAutoRead(true); // input is read and dropped until the client closes
    }
    if (reason == CloseReason.SERVER_SHUTDOWN || settings.writeTimeoutNanos() == 0) {
      forceCloseAfter(ctx, reason == CloseReason.SERVER_SHUTDOWN ? SHUTDOWN_CLOSE_TIMEOUT_MILLIS : CLOSE_TIMEOUT_MILLIS);
    } else if (written.isDone()) {
      forceCloseAfter(ctx, CLOSE_TIMEOUT_MILLIS);
    } else {
      watchWrites(ctx);
      written.addListener(f -> forceCloseAfter(ctx, CLOSE_TIMEOUT_MILLIS));
    }
  }

  /** Half-closes; over TLS the close_notify goes first, so that the client can tell an end from a cut. */
  private static void shutdownOutput(ChannelHandlerContext ctx, DuplexChannel channel) {
    ChannelHandler tls = ctx.pipeline().get(PipelineNames.TLS);
    if (tls instanceof SslHandler) {
      ((SslHandler) tls).closeOutbound().addListener(f -> channel.shutdownOutput());
    } else {
      channel.shutdownOutput();
    }
  }

  /** A client that never reads or never closes would keep the connection for ever. */
  private void forceCloseAfter(ChannelHandlerContext ctx, long timeoutMillis) {
    if (forcedClose == null) {
      forcedClose = ctx.executor().schedule(() -> {
        ctx.close();
      }, timeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (closeReason == null) {
      closeReason = CloseReason.ERROR;
      closeDetail = cause instanceof IOException ? "error: " + plainly((IOException) cause) : "internal error: " + cause;
    }
    if (!(cause instanceof IOException)) {
      CONNECTIONS.warn("unexpected error on {}: {}", Addresses.format(ctx.channel().remoteAddress()), cause.toString());
    }
    ctx.close();
  }

  /**
   * A socket error as a person reads it: Netty's native transport says
   * {@code recvAddress(..) failed with error(-104): Connection reset by peer}; the log says
   * {@code connection reset by peer}.
   */
  static String plainly(IOException e) {
    String text = String.valueOf(e.getMessage());
    int errno = text.indexOf("): ");
    if (text.contains("failed with error(") && errno >= 0) {
      text = text.substring(errno + 3);
    }
    return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    release();
    cancelTimers();
    settings.limits().budget().release(reserved);
    reserved = 0;
    CloseReason reason = closeReason != null ? closeReason : CloseReason.CLOSED;
    settings.limits().stats().recordClose(reason);
    report(ctx);
    settings.events().closed(ctx.channel().eventLoop(), reason);
    if (CONNECTIONS.isInfoEnabled()) {
      String protocol = protocol(ctx);
      long durationMillis = opened ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAtNanos) : 0;
      String why = closeDetail != null ? closeDetail : reason.text();
      // The text line shows the message; --log-format json shows the same fields as keys too.
      LoggingEventBuilder line = CONNECTIONS.atInfo()
          .setMessage("closed {}/{} {} in={}B out={}B messages={} duration={}ms reason={}")
          .addArgument(settings.service().cliName()).addArgument(protocol).addArgument(describePeer(ctx))
          .addArgument(bytesIn).addArgument(bytesOut).addArgument(messages).addArgument(durationMillis)
          .addArgument(why)
          .addKeyValue("service", settings.service().cliName())
          .addKeyValue("protocol", protocol);
      addPeerFields(line, ctx)
          .addKeyValue("in", bytesIn)
          .addKeyValue("out", bytesOut)
          .addKeyValue("messages", messages)
          .addKeyValue("duration", durationMillis)
          .addKeyValue("reason", why)
          .log();
    }
    super.channelInactive(ctx);
  }

  private static String protocol(ChannelHandlerContext ctx) {
    return ctx.pipeline().get(PipelineNames.TLS) != null ? "tls" : "tcp";
  }

  /** {@code peer=} the real client, {@code via=} the proxy it came through, the TLS session when there is one. */
  static String describePeer(ChannelHandlerContext ctx) {
    Peer peer = Peer.of(ctx.channel());
    StringBuilder text = new StringBuilder("peer=").append(Addresses.format(peer.client()));
    if (peer.via() != null) {
      text.append(" via=").append(Addresses.format(peer.via()));
    }
    text.append(" local=").append(Addresses.format(ctx.channel().localAddress()));
    if (peer.tls() != null) {
      text.append(" tls=").append(peer.tls());
      if (peer.tlsSubject() != null) {
        text.append(" subject=\"").append(peer.tlsSubject()).append('"');
      }
    }
    return text.toString();
  }

  /** The fields of {@link #describePeer}, as keys: keep the two in step. */
  private static LoggingEventBuilder addPeerFields(LoggingEventBuilder line, ChannelHandlerContext ctx) {
    Peer peer = Peer.of(ctx.channel());
    line.addKeyValue("peer", Addresses.format(peer.client()));
    if (peer.via() != null) {
      line.addKeyValue("via", Addresses.format(peer.via()));
    }
    line.addKeyValue("local", Addresses.format(ctx.channel().localAddress()));
    if (peer.tls() != null) {
      line.addKeyValue("tls", peer.tls());
      if (peer.tlsSubject() != null) {
        line.addKeyValue("subject", peer.tlsSubject());
      }
    }
    return line;
  }

  private void cancelTimers() {
    if (forcedClose != null) {
      forcedClose.cancel(false);
      forcedClose = null;
    }
    stopIdleTimeout();
    if (isWatchingWrites()) {
      writes.timer.cancel(false);
      writes.timer = null;
    }
  }

  private void stopIdleTimeout() {
    if (idle != null) {
      idle.remove(this);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stopIdleTimeout();
    release();
  }

  /** The state of a write watch, kept only by connections whose replies have been stuck. */
  private static final class WriteWatch {
    /** The pending check; at most one per connection. */
    Future<?> timer;
    long pendingAtCheck;
    long progressAtCheck;
    /** When the client last took some of its replies. */
    long progressNanos;
  }
}
