package io.tsecho.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.timeout.IdleStateHandler;
import io.tsecho.config.ServerConfig;
import io.tsecho.protocol.Stamper;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/** Builds each accepted connection's pipeline, or refuses the connection when the server is full. */
final class StampServerInitializer extends ChannelInitializer<Channel> {
  private final ServerConfig config;
  private final Stamper stamper;
  private final ChannelGroup connections;
  private final AtomicInteger open = new AtomicInteger();
  private final RefuseHandler refuse;
  private final RateLimitedLog refusals;

  StampServerInitializer(ServerConfig config, Stamper stamper, ChannelGroup connections) {
    this.config = config;
    this.stamper = stamper;
    this.connections = connections;
    this.refuse = new RefuseHandler(ErrorReplies.tooManyConnections(config.maxConnections()));
    this.refusals = new RateLimitedLog(LoggerFactory.getLogger(TsechoServer.class),
        "connections refused over the limit of " + config.maxConnections(), 10, TimeUnit.SECONDS, System::nanoTime);
  }

  @Override
  protected void initChannel(Channel ch) {
    ChannelPipeline pipeline = ch.pipeline();
    if (open.incrementAndGet() > config.maxConnections()) {
      open.decrementAndGet();
      refusals.record("from " + Addresses.format(ch.remoteAddress()));
      pipeline.addLast(PipelineNames.REFUSE, refuse);
      return;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    connections.add(ch);
    if (!config.idleTimeout().isZero()) {
      pipeline.addLast(PipelineNames.IDLE,
          new IdleStateHandler(config.idleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
    }
    pipeline.addLast(PipelineNames.STAMP,
        new StampHandler(config.framing(), config.maxLine(), stamper, InputProbe.SOCKET,
            config.partialDelay().toNanos()));
  }

  int openConnections() {
    return open.get();
  }
}
