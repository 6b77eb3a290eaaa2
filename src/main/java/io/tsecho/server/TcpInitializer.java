package io.tsecho.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * Builds each accepted connection's pipeline for its listener's service, or refuses the connection
 * when the server already serves {@code --max-connections}. The count is shared by every TCP listener.
 */
final class TcpInitializer extends ChannelInitializer<Channel> {
  private final Service service;
  private final ServerConfig config;
  private final ConnectionLimits limits;
  private final Clocks clocks;
  private final ChannelGroup connections;
  private final AtomicInteger open;
  private final RefuseHandler refuse;
  private final RateLimitedLog refusals;

  TcpInitializer(Service service, ConnectionLimits limits, Clocks clocks, ChannelGroup connections, AtomicInteger open,
      RateLimitedLog refusals) {
    this.service = service;
    this.config = limits.config();
    this.limits = limits;
    this.clocks = clocks;
    this.connections = connections;
    this.open = open;
    this.refuse = new RefuseHandler(ErrorReplies.tooManyConnections(limits.config().maxConnections()));
    this.refusals = refusals;
  }

  /** The refusal log shared by the TCP listeners of one server. */
  static RateLimitedLog refusalLog(ServerConfig config) {
    return new RateLimitedLog(LoggerFactory.getLogger(TsechoServer.class),
        "connections refused over the limit of " + config.maxConnections(), 10, TimeUnit.SECONDS, System::nanoTime);
  }

  @Override
  protected void initChannel(Channel ch) {
    ChannelPipeline pipeline = ch.pipeline();
    if (open.incrementAndGet() > config.maxConnections()) {
      open.decrementAndGet();
      refusals.record(ch.remoteAddress());
      pipeline.addLast(PipelineNames.REFUSE, refuse);
      return;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    connections.add(ch);
    pipeline.addLast(PipelineNames.SERVICE, handler());
  }

  private ChannelHandler handler() {
    switch (service) {
      case ECHO:
        return new EchoHandler(limits);
      case DAYTIME:
        return new GreetingHandler(service, limits, clocks.daytime()::current);
      case TIME:
        return new GreetingHandler(service, limits, clocks::rfc868);
      case STAMP:
      default:
        return new StampHandler(limits, clocks.replyPrefix(), InputProbe.SOCKET);
    }
  }
}
