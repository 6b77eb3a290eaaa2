package io.tsecho.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import io.tsecho.config.Service;
import io.tsecho.net.Addresses;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one TCP connection, whatever the service: counting, backpressure, idle time-out, the
 * way it closes, and its log line. Subclasses say what a read is answered with.
 *
 * <p>The idle time-out is a single timer per connection rather than Netty's IdleStateHandler: one
 * handler less in every pipeline is about a tenth of the memory an idle connection costs.
 */
abstract class TcpServiceHandler extends ChannelInboundHandlerAdapter {

  /**
   * How long a closing connection may take to drain its replies and let the client close its side
   * (so that unread input does not turn the close into a reset that destroys the last reply).
   */
  static final long CLOSE_TIMEOUT_MILLIS = 10_000;

  /** The same bound when the server itself is stopping: it should not wait long on idle clients. */
  static final long SHUTDOWN_CLOSE_TIMEOUT_MILLIS = 1_000;

  private static final Logger CONNECTIONS = LoggerFactory.getLogger("io.tsecho.connections");

  private final Service service;
  private final long idleTimeoutNanos;
  private long lastReadNanos;
  private Future<?> idleTimer;
  private boolean closing;
  private boolean inputShutdown;
  private Future<?> forcedClose;
  private long openedAtNanos;
  private long bytesIn;
  private long bytesOut;
  private long messages;
  private String closeReason;

  /** @param idleTimeoutNanos how long the client may stay silent before it is closed; 0 for ever */
  TcpServiceHandler(Service service, long idleTimeoutNanos) {
    this.service = service;
    this.idleTimeoutNanos = idleTimeoutNanos;
  }

  /** Answers one received buffer; owns it. Called only while the connection is not closing. */
  protected abstract void onRead(ChannelHandlerContext ctx, ByteBuf in);

  /** The read batch has ended: write and flush what it produced. */
  protected abstract void onReadComplete(ChannelHandlerContext ctx);

  /** Writes (without flushing) whatever is owed before the connection closes for {@code reason}. */
  protected void beforeClose(ChannelHandlerContext ctx, boolean inputEnded) {}

  /** Reading resumed after backpressure. */
  protected void onResumed(ChannelHandlerContext ctx) {}

  /** Releases what the subclass holds when the connection is gone. */
  protected void release() {}

  protected final boolean isClosing() {
    return closing;
  }

  /** When the last read batch ended, on the event loop's ticker. */
  protected final long lastReadNanos() {
    return lastReadNanos;
  }

  protected final void countReply(long bytes) {
    bytesOut += bytes;
    messages++;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    openedAtNanos = System.nanoTime();
    lastReadNanos = ctx.executor().ticker().nanoTime();
    if (idleTimeoutNanos > 0) {
      scheduleIdleCheck(ctx, idleTimeoutNanos);
    }
    super.channelActive(ctx);
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
    if (!closing) {
      onReadComplete(ctx);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    // Backpressure: a client that does not read its replies stops being read from.
    if (!closing) {
      boolean writable = ctx.channel().isWritable();
      ctx.channel().config().setAutoRead(writable);
      if (writable) {
        onResumed(ctx);
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
        beforeClose(ctx, true);
        closeAfterWrites(ctx, "peer closed", Unpooled.EMPTY_BUFFER, CLOSE_TIMEOUT_MILLIS);
      }
    } else if (evt == ServerShutdown.INSTANCE) {
      if (!closing) {
        beforeClose(ctx, false);
        closeAfterWrites(ctx, "server shutdown", Unpooled.EMPTY_BUFFER, SHUTDOWN_CLOSE_TIMEOUT_MILLIS);
      }
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  private void scheduleIdleCheck(ChannelHandlerContext ctx, long delayNanos) {
    idleTimer = ctx.executor().schedule(() -> checkIdle(ctx), delayNanos, TimeUnit.NANOSECONDS);
  }

  private void checkIdle(ChannelHandlerContext ctx) {
    idleTimer = null;
    if (closing || !ctx.channel().isActive()) {
      return; // a closing connection has its own deadline
    }
    long silentNanos = ctx.executor().ticker().nanoTime() - lastReadNanos;
    if (silentNanos >= idleTimeoutNanos) {
      closeReason = "idle timeout";
      ctx.close();
    } else {
      scheduleIdleCheck(ctx, idleTimeoutNanos - silentNanos);
    }
  }

  /**
   * Writes {@code last} after everything already written, then closes. If the client may still be
   * sending, the server half-closes and reads to the client's end of input first: closing a socket
   * with unread input sends a reset, which can destroy the replies before the client reads them.
   */
  protected final void closeAfterWrites(ChannelHandlerContext ctx, String reason, ByteBuf last, long timeoutMillis) {
    closing = true;
    closeReason = reason;
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
    release();
    if (forcedClose != null) {
      forcedClose.cancel(false);
    }
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
    if (CONNECTIONS.isInfoEnabled()) {
      CONNECTIONS.info("closed {}/tcp peer={} local={} in={}B out={}B messages={} duration={}ms reason={}",
          service.cliName(), Addresses.format(ctx.channel().remoteAddress()),
          Addresses.format(ctx.channel().localAddress()), bytesIn, bytesOut, messages,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAtNanos),
          closeReason != null ? closeReason : "closed");
    }
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }
}
