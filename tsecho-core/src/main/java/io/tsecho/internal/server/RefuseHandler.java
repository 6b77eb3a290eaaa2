package io.tsecho.internal.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Sends a refused connection its one error line and closes it. Shared: what it must remember of a
 * connection is kept on the channel. It works whether it is in the pipeline before the connection
 * is active or is put there afterwards.
 */
@Sharable
final class RefuseHandler extends ChannelInboundHandlerAdapter {
  /** How long a refused client may take to close its side after reading the error line. */
  private static final long LINGER_MILLIS = 1_000;

  /**
   * Set once the line is on its way. An accepted socket is active before its pipeline is built, and
   * channelActive still follows: a second refusal would write after the half-close, fail, and close
   * with the client's input unread, which resets the connection and can destroy the line.
   */
  private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf(RefuseHandler.class, "refused");

  private final byte[] message;

  RefuseHandler(byte[] message) {
    this.message = message;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      refuse(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    refuse(ctx);
  }

  private void refuse(ChannelHandlerContext ctx) {
    if (ctx.channel().attr(REFUSED).setIfAbsent(Boolean.TRUE) != null) {
      return;
    }
    // Half-close and drain rather than close: a close with unread input resets the connection,
    // and the reset can destroy the error line before the client reads it.
    ctx.channel().config().setAutoRead(true);
    ctx.writeAndFlush(Unpooled.wrappedBuffer(message)).addListener((ChannelFuture f) -> {
      if (f.isSuccess() && f.channel() instanceof DuplexChannel) {
        ((DuplexChannel) f.channel()).shutdownOutput();
      } else {
        f.channel().close();
      }
    });
    ctx.executor().schedule(() -> {
      ctx.close();
    }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      ctx.close();
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
