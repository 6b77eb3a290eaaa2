package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.util.function.Supplier;

/**
 * RFC 867 daytime and RFC 868 time over TCP: the server speaks first, once, as soon as the client
 * connects, then closes. Whatever the client sends is ignored.
 */
final class GreetingHandler extends TcpServiceHandler {
  private final Supplier<byte[]> greeting;

  GreetingHandler(ConnectionSettings settings, Supplier<byte[]> greeting) {
    super(settings); // it closes at once; closeAfterWrites bounds how long that may take
    this.greeting = greeting;
  }

  @Override
  protected void onOpen(ChannelHandlerContext ctx) {
    byte[] bytes = greeting.get();
    countReply(bytes.length);
    closeAfterWrites(ctx, CloseReason.SERVED, Unpooled.wrappedBuffer(bytes));
  }

  @Override
  protected void onRead(ChannelHandlerContext ctx, ByteBuf in) {
    in.release(); // not reached: the connection is closing from its first moment
  }

  @Override
  protected void onReadComplete(ChannelHandlerContext ctx) {}
}
