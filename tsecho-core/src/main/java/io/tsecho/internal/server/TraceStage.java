package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelOutputShutdownEvent;
import io.tsecho.config.Listener;
import io.tsecho.internal.net.Addresses;
import io.tsecho.internal.net.SocketTrace;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --trace}: one log line per socket event of each connection, in the words of the socket
 * API ({@link SocketTrace}). Added to the pipeline only when the trace is on. It sits behind the
 * PROXY, access and TLS stages, so it shows the bytes the service reads and writes: behind TLS, the
 * plaintext.
 */
final class TraceStage implements ConnectionStage {
  static final Logger LOG = LoggerFactory.getLogger(SocketTrace.LOGGER);

  private final Listener listener;

  TraceStage(Listener listener) {
    this.listener = listener;
  }

  @Override
  public String name() {
    return PipelineNames.TRACE;
  }

  @Override
  public ChannelHandler newHandler(Channel channel) {
    String listening = listener.describe(Addresses.format(channel.parent().localAddress()));
    return new TraceHandler(listening, channel.remoteAddress(), LOG);
  }

  @Override
  public boolean isGate() {
    return false;
  }

  /** The calls that made a listener's socket: {@code socket()}, {@code bind()}, and {@code listen()} for TCP. */
  static void bound(TsechoServer.Bound bound, int backlog) {
    String name = bound.describe();
    boolean stream = bound.listener().protocol().isStream();
    LOG.info(SocketTrace.line(name, SocketTrace.socket(bound.address(), stream)));
    LOG.info(SocketTrace.line(name, SocketTrace.bind(bound.address())));
    if (stream) {
      LOG.info(SocketTrace.line(name, SocketTrace.listen(backlog)));
    }
  }

  static void closed(TsechoServer.Bound bound) {
    LOG.info(SocketTrace.line(bound.describe(), SocketTrace.close()));
  }

  /** Logs what passes through it and changes nothing. One per connection. */
  static final class TraceHandler extends ChannelDuplexHandler {
    private final String listening;
    private final SocketAddress peer;
    private final String connection;
    private final Logger log;
    private boolean accepted;

    TraceHandler(String listening, SocketAddress peer, Logger log) {
      this.listening = listening;
      this.peer = peer;
      this.connection = SocketTrace.name(peer);
      this.log = log;
    }

    /** An accepted connection is open before its pipeline is built; stages in front may hold channelActive back. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      if (ctx.channel().isActive()) {
        accepted();
      }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      accepted();
      super.channelActive(ctx);
    }

    private void accepted() {
      if (!accepted) {
        accepted = true;
        log.info(SocketTrace.line(listening, SocketTrace.accept(peer)));
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof ByteBuf) {
        log.info(SocketTrace.line(connection, SocketTrace.recv((ByteBuf) msg)));
      }
      super.channelRead(ctx, msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof ChannelInputShutdownEvent) {
        log.info(SocketTrace.line(connection, SocketTrace.recvEnd()));
      } else if (evt instanceof ChannelOutputShutdownEvent) {
        log.info(SocketTrace.line(connection, SocketTrace.shutdownWrite()));
      }
      super.userEventTriggered(ctx, evt);
    }

    /** Empty writes are the service's own markers for when its replies have left, not sends. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
      if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
        log.info(SocketTrace.line(connection, SocketTrace.send((ByteBuf) msg)));
      }
      super.write(ctx, msg, promise);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
      log.info(SocketTrace.line(connection, SocketTrace.error(cause)));
      super.exceptionCaught(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      log.info(SocketTrace.line(connection, SocketTrace.close()));
      super.channelInactive(ctx);
    }
  }
}
