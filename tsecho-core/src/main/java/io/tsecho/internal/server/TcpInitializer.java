package io.tsecho.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.tsecho.config.Listener;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.internal.net.Addresses;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds each accepted connection's pipeline for its listener: the stages its features need (PROXY
 * header, access control, TLS, trace), then the service; or refuses the connection when the server
 * already serves {@code --max-connections}, a count shared by every TCP listener.
 *
 * <p>One instance serves every connection of its listener and leaves each pipeline once it has built
 * it. Netty's pipeline adds it to a connection once and calls it when the connection is registered
 * with its event loop, before any other event; unlike Netty's {@code ChannelInitializer}, it keeps no
 * entry per connection in a map shared by all event loops to guard against a second call.
 */
@Sharable
final class TcpInitializer extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(TcpInitializer.class);

  private final Listener listener;
  private final ServerContext server;
  private final ListenerEvents events;
  private final ConnectionStage[] stages;
  private final int gates;
  private final RefuseHandler refuse;
  /** The settings of this listener's connections, made once for all of them. */
  private final ConnectionSettings settings;
  /** For stamp and whoami listeners, their own settings; else null. */
  private final StampSettings stampSettings;
  /** For daytime and time listeners, what they send; else null. */
  private final Supplier<byte[]> greeting;

  TcpInitializer(Listener listener, ServerContext server, ListenerEvents events, List<ConnectionStage> stages) {
    this.listener = listener;
    this.server = server;
    this.events = events;
    this.stages = stages.toArray(new ConnectionStage[0]);
    this.gates = (int) stages.stream().filter(ConnectionStage::isGate).count();
    this.refuse = new RefuseHandler(ErrorReplies.tooManyConnections(server.config().maxConnections()));
    Service service = listener.service();
    this.settings = ConnectionSettings.of(service, server.limits(), events, server.messages());
    this.stampSettings = service.isStamped()
        ? StampSettings.of(settings, server.clocks().replyPrefix(), InputProbe.SOCKET,
            service == Service.WHOAMI ? new WhoamiHeader(server.config().instance()) : null)
        : null;
    this.greeting = greeting(service, server.clocks());
  }

  /** The refusal log shared by the TCP listeners of one server. */
  static RateLimitedLog refusalLog(ServerConfig config) {
    return new RateLimitedLog(LoggerFactory.getLogger(TsechoServer.class),
        "connections refused over the limit of " + config.maxConnections(), 10, TimeUnit.SECONDS, System::nanoTime);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    try {
      initChannel(ctx.channel());
    } catch (Throwable e) { // as ChannelInitializer does: a connection must not stay half set up
      LOG.warn("could not set up connection {}, closing it: {}", Addresses.format(ctx.channel().remoteAddress()),
          e.toString());
      ctx.close();
    } finally {
      if (!ctx.isRemoved()) {
        ctx.pipeline().remove(this);
      }
    }
  }

  private void initChannel(Channel ch) {
    ChannelPipeline pipeline = ch.pipeline();
    if (!server.connections().admit(ch)) {
      server.refusals().record(ch.remoteAddress());
      events.refused(ch.eventLoop(), ListenerEvents.Refusal.TOO_MANY_CONNECTIONS);
      pipeline.addLast(PipelineNames.REFUSE, refuse);
      return;
    }
    events.accepted(ch.eventLoop());
    for (ConnectionStage stage : stages) {
      ChannelHandler handler = stage.newHandler(ch);
      if (handler != null) {
        pipeline.addLast(stage.name(), handler);
      }
    }
    if (gates == 0) {
      pipeline.addLast(PipelineNames.SERVICE, service());
    } else {
      pipeline.addLast(PipelineNames.SERVICE_STARTER, new ServiceStarter(gates, this::service));
    }
  }

  private static Supplier<byte[]> greeting(Service service, Clocks clocks) {
    switch (service) {
      case DAYTIME:
        return clocks.daytime()::current;
      case TIME:
        return clocks::rfc868;
      default:
        return null;
    }
  }

  private ChannelHandler service() {
    switch (listener.service()) {
      case ECHO:
        return new EchoHandler(settings);
      case DAYTIME:
      case TIME:
        return new GreetingHandler(settings, greeting);
      case WHOAMI:
      case STAMP:
      default:
        return new StampHandler(stampSettings);
    }
  }
}
