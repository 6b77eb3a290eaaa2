package io.tsecho.internal.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Holds a connection's place until every gate in front of it has passed, then puts the service in
 * its place. Until then the service does not exist: a client that never sends its PROXY header or
 * never finishes its TLS handshake costs no service state, and a daytime or time greeting is not
 * sent before the peer is known and admitted.
 */
final class ServiceStarter extends ChannelInboundHandlerAdapter {
  private static final RateLimitedLog EARLY_DATA = new RateLimitedLog(LoggerFactory.getLogger("io.tsecho.connections"),
      "connections sent data before their gates passed (closed)", 10, java.util.concurrent.TimeUnit.SECONDS,
      System::nanoTime);

  private final Supplier<ChannelHandler> service;
  private int gates;

  ServiceStarter(int gates, Supplier<ChannelHandler> service) {
    this.gates = gates;
    this.service = service;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == GatePassed.INSTANCE) {
      if (--gates == 0) {
        ctx.pipeline().replace(this, PipelineNames.SERVICE, service.get());
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  /** The gates hold every byte until they pass; one that arrives here is a gate's fault, not the client's. */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
    EARLY_DATA.record(ctx.channel().remoteAddress());
    ctx.close();
  }
}
