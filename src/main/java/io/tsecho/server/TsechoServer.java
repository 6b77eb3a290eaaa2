package io.tsecho.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tsecho.config.ServerConfig;
import io.tsecho.protocol.Framing;
import io.tsecho.protocol.Stamper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running TCP timestamp server. {@link #start} binds and returns once the socket listens;
 * {@link #close} stops accepting, answers what every connection has sent, and releases everything.
 */
public final class TsechoServer implements AutoCloseable {

  /** Outbound bytes queued per connection above which the server stops reading from it. */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

  private static final Duration SHUTDOWN_DRAIN = Duration.ofSeconds(5);

  private final ServerConfig config;
  private final Transports transport;
  private final int eventLoops;
  private final EventLoopGroup group;
  private final Channel listener;
  private final ChannelGroup connections;
  private final StampServerInitializer initializer;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private TsechoServer(ServerConfig config, Transports transport, int eventLoops, EventLoopGroup group,
      Channel listener, ChannelGroup connections, StampServerInitializer initializer) {
    this.config = config;
    this.transport = transport;
    this.eventLoops = eventLoops;
    this.group = group;
    this.listener = listener;
    this.connections = connections;
    this.initializer = initializer;
  }

  /**
   * Binds and starts serving.
   *
   * @throws BindFailedException when the socket cannot listen (port in use, permission, no such address)
   * @throws UnknownHostException when the host name to bind does not resolve
   */
  public static TsechoServer start(ServerConfig config, Clock clock) throws BindFailedException, UnknownHostException {
    InetSocketAddress address = config.host() == null
        ? new InetSocketAddress(config.port())
        : new InetSocketAddress(InetAddress.getByName(config.host()), config.port());
    Transports transport = Transports.resolve(config.transport());
    // One loop per core serves both accepting and connections: a separate accept loop would be one more busy thread.
    int eventLoops = config.threads() > 0 ? config.threads() : NettyRuntime.availableProcessors();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(
        eventLoops, new DefaultThreadFactory("tsecho-io"), transport.ioHandlerFactory());
    ChannelGroup connections = new DefaultChannelGroup("tsecho-connections", GlobalEventExecutor.INSTANCE);
    StampServerInitializer initializer = new StampServerInitializer(config, new Stamper(config.timeFormat(), clock), connections);

    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, config.backlog())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, config.tcpNoDelay())
        .childOption(ChannelOption.SO_KEEPALIVE, config.keepAlive())
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, config.framing() == Framing.RAW
            ? new FixedRecvByteBufAllocator(config.bufferSize())
            : new AdaptiveRecvByteBufAllocator())
        .childHandler(initializer);
    if (config.receiveBufferSize() > 0) {
      bootstrap.childOption(ChannelOption.SO_RCVBUF, config.receiveBufferSize());
    }
    if (config.sendBufferSize() > 0) {
      bootstrap.childOption(ChannelOption.SO_SNDBUF, config.sendBufferSize());
    }

    ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      throw new BindFailedException("tcp", address, bound.cause());
    }
    return new TsechoServer(config, transport, eventLoops, group, bound.channel(), connections, initializer);
  }

  /** The address the server listens on, with the real port when 0 was asked for. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** The line printed once the server listens; scripts wait for it. */
  public String listeningLine() {
    return "tsecho: listening on stamp/tcp/" + Addresses.format(localAddress())
        + " (framing " + config.framing().cliName() + ", time format " + config.timeFormat()
        + ", transport " + transport.name() + ", " + eventLoops + " event loops)";
  }

  public String transportName() {
    return transport.name();
  }

  /** Connections currently served, not counting refused ones. */
  public int openConnections() {
    return initializer.openConnections();
  }

  /** Stops accepting, lets each connection answer what it has read, closes them, and frees the threads. */
  @Override
  public void close() {
    if (!stopping.compareAndSet(false, true)) {
      awaitStopped();
      return;
    }
    try {
      listener.close().awaitUninterruptibly();
      for (Channel connection : connections) {
        connection.pipeline().fireUserEventTriggered(ServerShutdown.INSTANCE);
      }
      connections.newCloseFuture().awaitUninterruptibly(SHUTDOWN_DRAIN.toMillis());
      connections.close().awaitUninterruptibly(SHUTDOWN_DRAIN.toMillis());
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    } finally {
      stopped.countDown();
    }
  }

  /** Blocks until {@link #close} has finished, from whichever thread called it. */
  public void awaitStopped() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
