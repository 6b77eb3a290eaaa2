package io.tsecho.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.tsecho.config.AccessRules;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Access control on the real client address: {@code --allow}, {@code --deny} and
 * {@code --max-per-source}. With a PROXY header in front, the client is known only once the header
 * is read, so the check waits for that stage's gate; otherwise it is done when the connection opens.
 * A denied connection is closed without a word; one over its source's limit gets one error line.
 */
final class AccessStage implements ConnectionStage {
  private final AccessHandler handler;

  AccessStage(AccessRules rules, boolean afterProxy, SourceCounts perSource, ListenerEvents events,
      RateLimitedLog denials) {
    this.handler = new AccessHandler(rules, afterProxy, perSource, events, denials,
        new RefuseHandler(ErrorReplies.tooManyFromSource(rules.maxPerSource())));
  }

  /** The log of connections and datagrams turned away, shared by a server's listeners. */
  static RateLimitedLog denialLog() {
    return new RateLimitedLog(LoggerFactory.getLogger("io.tsecho.access"), "connections or datagrams denied by --allow/--deny",
        10, TimeUnit.SECONDS, System::nanoTime);
  }

  @Override
  public String name() {
    return PipelineNames.ACCESS;
  }

  @Override
  public ChannelHandler newHandler(Channel channel) {
    return handler;
  }

  @Override
  public boolean isGate() {
    return true;
  }

  @Sharable
  private static final class AccessHandler extends ChannelInboundHandlerAdapter {
    private final AccessRules rules;
    private final boolean afterProxy;
    private final SourceCounts perSource;
    private final ListenerEvents events;
    private final RateLimitedLog denials;
    private final RefuseHandler overLimit;

    AccessHandler(AccessRules rules, boolean afterProxy, SourceCounts perSource, ListenerEvents events,
        RateLimitedLog denials, RefuseHandler overLimit) {
      this.rules = rules;
      this.afterProxy = afterProxy;
      this.perSource = perSource;
      this.events = events;
      this.denials = denials;
      this.overLimit = overLimit;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      if (afterProxy || admit(ctx)) {
        super.channelActive(ctx);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (afterProxy && evt == GatePassed.INSTANCE) {
        if (admit(ctx)) {
          ctx.fireUserEventTriggered(evt); // the PROXY stage's gate
        }
        return;
      }
      super.userEventTriggered(ctx, evt);
    }

    /** Checks the client; if it may be served, passes this gate and leaves the pipeline. */
    private boolean admit(ChannelHandlerContext ctx) {
      SocketAddress client = Peer.of(ctx.channel()).client();
      InetAddress address = client instanceof InetSocketAddress ? ((InetSocketAddress) client).getAddress() : null;
      if (address == null || !rules.admits(address)) {
        events.refused(ctx.channel().eventLoop(), ListenerEvents.Refusal.ACCESS_DENIED);
        denials.record(client);
        ctx.close();
        return false;
      }
      if (rules.maxPerSource() > 0) {
        if (!perSource.tryAcquire(address)) {
          events.refused(ctx.channel().eventLoop(), ListenerEvents.Refusal.TOO_MANY_FROM_SOURCE);
          ctx.pipeline().replace(this, PipelineNames.REFUSE, overLimit);
          return false;
        }
        ctx.channel().closeFuture().addListener(f -> perSource.release(address));
      }
      ChannelHandlerContext next = ctx;
      ctx.pipeline().remove(this);
      next.fireUserEventTriggered(GatePassed.INSTANCE);
      return true;
    }
  }
}
