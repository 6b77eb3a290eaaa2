package io.tsecho.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NetUtil;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tsecho.config.Listener;
import io.tsecho.config.Protocol;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.config.UdpLimits;
import io.tsecho.net.Addresses;
import io.tsecho.net.Transports;
import io.tsecho.protocol.Framing;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A running server: every listener of its configuration, bound and served by one group of event
 * loops. {@link #start} returns once every socket is bound; {@link #close} stops accepting, answers
 * what every connection has sent, and releases everything.
 */
public final class TsechoServer implements AutoCloseable {

  /** Outbound bytes queued per connection above which the server stops reading from it. */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

  /**
   * Replies queued on a UDP socket above which new ones are dropped: room for one read batch of
   * large datagrams, so that only a socket the kernel cannot drain drops replies.
   */
  static final WriteBufferWaterMark UDP_WATER_MARK = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);

  /**
   * How many times the listeners are bound afresh when a port number picked for one protocol turns
   * out to be taken for the other: each round picks new numbers, so a clash does not repeat.
   */
  private static final int BIND_ROUNDS = 10;

  private static final Duration SHUTDOWN_DRAIN = Duration.ofSeconds(5);

  /** Room for the largest UDP datagram. */
  private static final int UDP_SLOT = 65_536;
  /** Datagrams read per system call on epoll; 16 x 64 KiB measured best (2 MiB buffers leave the pool). */
  private static final int UDP_READ_SLOTS = 16;

  /** A listener and the address its socket really got. */
  public record Bound(Listener listener, InetSocketAddress address) {
    /** The listener as written with {@code --listen}, with the real port. */
    public String describe() {
      return listener.describe(Addresses.format(address));
    }
  }

  private final ServerConfig config;
  private final Transports transport;
  private final int eventLoops;
  private final EventLoopGroup group;
  private final List<Channel> channels;
  private final List<Bound> bound;
  private final ChannelGroup connections;
  private final AtomicInteger open;
  private final UdpDrops udpDrops;
  private final ConnectionLimits limits;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private TsechoServer(ServerConfig config, Transports transport, int eventLoops, EventLoopGroup group,
      List<Channel> channels, List<Bound> bound, ChannelGroup connections, AtomicInteger open, UdpDrops udpDrops,
      ConnectionLimits limits) {
    this.config = config;
    this.transport = transport;
    this.eventLoops = eventLoops;
    this.group = group;
    this.channels = channels;
    this.bound = bound;
    this.connections = connections;
    this.open = open;
    this.udpDrops = udpDrops;
    this.limits = limits;
  }

  /**
   * Binds every listener and starts serving. If any bind fails, the ones already bound are closed.
   *
   * @throws BindFailedException when a socket cannot be bound (port in use, permission, no such address)
   * @throws UnknownHostException when a host name to bind does not resolve
   */
  public static TsechoServer start(ServerConfig config, Clock clock) throws BindFailedException, UnknownHostException {
    return start(config, clock, UnaryOperator.identity());
  }

  /** As {@link #start(ServerConfig, Clock)}, with the binding of each socket wrapped: tests make ports clash with it. */
  static TsechoServer start(ServerConfig config, Clock clock, UnaryOperator<Binder> wrapBinder)
      throws BindFailedException, UnknownHostException {
    Transports transport = Transports.resolve(config.transport());
    // One loop per core serves both accepting and connections: a separate accept loop would be one more busy thread.
    int eventLoops = config.threads() > 0 ? config.threads() : NettyRuntime.availableProcessors();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(
        eventLoops, new DefaultThreadFactory("tsecho-io"), transport.ioHandlerFactory());
    ChannelGroup connections = new DefaultChannelGroup("tsecho-connections", GlobalEventExecutor.INSTANCE);
    AtomicInteger open = new AtomicInteger();
    UdpDrops udpDrops = new UdpDrops();
    ConnectionLimits limits = ConnectionLimits.of(config);
    Clocks clocks = new Clocks(config, clock);
    RateLimitedLog refusals = TcpInitializer.refusalLog(config);
    Binder binder = wrapBinder.apply((listener, address) -> (listener.protocol() == Protocol.TCP
        ? tcp(config, transport, group, listener.service(), limits, clocks, connections, open, refusals)
        : udp(config, transport, group, listener.service(), clocks, udpDrops)).bind(address));

    List<Channel> channels = new ArrayList<>();
    List<Bound> bound = new ArrayList<>();
    try {
      for (int round = 1; ; round++) {
        try {
          bindAll(config.listeners(), binder, channels, bound);
          break;
        } catch (SharedPortTakenException e) {
          closeAll(channels);
          bound.clear();
          if (round == BIND_ROUNDS) {
            throw e.failure;
          }
        }
      }
    } catch (BindFailedException | UnknownHostException | RuntimeException e) {
      closeAll(channels);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      throw e;
    }
    return new TsechoServer(config, transport, eventLoops, group, channels, bound, connections, open, udpDrops, limits);
  }

  /** Binds the socket of one listener. */
  interface Binder {
    ChannelFuture bind(Listener listener, InetSocketAddress address);
  }

  /** A port picked for one protocol was taken for the other: worth another round with new numbers. */
  private static final class SharedPortTakenException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient BindFailedException failure;

    SharedPortTakenException(BindFailedException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }

  private static void bindAll(List<Listener> listeners, Binder binder, List<Channel> channels, List<Bound> bound)
      throws BindFailedException, UnknownHostException, SharedPortTakenException {
    // A listener asking for port 0 takes a port already picked on its address for the other protocol,
    // so that "--udp --port 0" serves TCP and UDP on one port; otherwise the system picks.
    Map<String, Map<Integer, EnumSet<Protocol>>> pickedPorts = new HashMap<>();
    for (Listener listener : listeners) {
      InetSocketAddress address = address(listener, pickedPorts);
      ChannelFuture future = binder.bind(listener, address);
      future.awaitUninterruptibly();
      if (!future.isSuccess()) {
        BindFailedException failure = new BindFailedException(listener.protocol().cliName(), address, future.cause());
        if (listener.port() == 0 && failure.reason() == BindFailedException.Reason.ADDRESS_IN_USE) {
          throw new SharedPortTakenException(failure);
        }
        throw failure;
      }
      InetSocketAddress actual = (InetSocketAddress) future.channel().localAddress();
      pickedPorts.computeIfAbsent(String.valueOf(listener.host()), h -> new LinkedHashMap<>())
          .computeIfAbsent(actual.getPort(), p -> EnumSet.noneOf(Protocol.class)).add(listener.protocol());
      channels.add(future.channel());
      bound.add(new Bound(listener, actual));
    }
  }

  private static void closeAll(List<Channel> channels) {
    for (Channel ch : channels) {
      ch.close().awaitUninterruptibly();
    }
    channels.clear();
  }

  private static InetSocketAddress address(Listener listener, Map<String, Map<Integer, EnumSet<Protocol>>> pickedPorts)
      throws UnknownHostException {
    int port = listener.port();
    if (port == 0) {
      for (Map.Entry<Integer, EnumSet<Protocol>> picked
          : pickedPorts.getOrDefault(String.valueOf(listener.host()), Map.of()).entrySet()) {
        if (!picked.getValue().contains(listener.protocol())) {
          port = picked.getKey();
          break;
        }
      }
    }
    return listener.host() == null
        ? new InetSocketAddress(port)
        : new InetSocketAddress(InetAddress.getByName(listener.host()), port);
  }

  private static ServerBootstrap tcp(ServerConfig config, Transports transport, EventLoopGroup group, Service service,
      ConnectionLimits limits, Clocks clocks, ChannelGroup connections, AtomicInteger open, RateLimitedLog refusals) {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, config.backlog())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, config.tcpNoDelay())
        .childOption(ChannelOption.SO_KEEPALIVE, config.keepAlive())
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, service == Service.STAMP && config.framing() == Framing.RAW
            ? new FixedRecvByteBufAllocator(config.bufferSize())
            : new AdaptiveRecvByteBufAllocator())
        .childHandler(new TcpInitializer(service, limits, clocks, connections, open, refusals));
    if (config.receiveBufferSize() > 0) {
      bootstrap.childOption(ChannelOption.SO_RCVBUF, config.receiveBufferSize());
    }
    if (config.sendBufferSize() > 0) {
      bootstrap.childOption(ChannelOption.SO_SNDBUF, config.sendBufferSize());
    }
    return bootstrap;
  }

  private static Bootstrap udp(ServerConfig config, Transports transport, EventLoopGroup group, Service service,
      Clocks clocks, UdpDrops drops) {
    UdpLimits limits = config.udpLimits();
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(transport.datagramChannel())
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, UDP_WATER_MARK)
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UDP_READ_SLOTS * UDP_SLOT))
        .handler(new DatagramServiceHandler(service, clocks, limits, drops, System::nanoTime));
    if (config.receiveBufferSize() > 0) {
      bootstrap.option(ChannelOption.SO_RCVBUF, config.receiveBufferSize());
    }
    if (config.sendBufferSize() > 0) {
      bootstrap.option(ChannelOption.SO_SNDBUF, config.sendBufferSize());
    }
    if (transport.datagramChannel() == EpollDatagramChannel.class) {
      // recvmmsg: one system call reads up to UDP_READ_SLOTS datagrams; each slot holds the largest
      // datagram, so nothing is ever truncated. Measured: +40% datagrams/s on one core.
      bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, UDP_SLOT);
    } else {
      bootstrap.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UDP_SLOT));
    }
    return bootstrap;
  }

  /** Every listener with the address it got. */
  public List<Bound> bound() {
    return List.copyOf(bound);
  }

  /** The first listener's address, with the real port when 0 was asked for. */
  public InetSocketAddress localAddress() {
    return bound.get(0).address();
  }

  /** The lines printed once the server listens, one per listener; scripts wait for them. */
  public List<String> listeningLines() {
    List<String> lines = new ArrayList<>();
    for (Bound b : bound) {
      StringBuilder line = new StringBuilder("tsecho: listening on ").append(b.describe()).append(" (");
      if (b.listener().service() == Service.STAMP && b.listener().protocol() == Protocol.TCP) {
        line.append("framing ").append(config.framing().cliName()).append(", ");
      }
      if (b.listener().protocol() == Protocol.TCP) {
        line.append(backlogText()).append(", ");
      }
      if (b.listener().service() == Service.STAMP || b.listener().service() == Service.DAYTIME) {
        line.append("time format ").append(config.timeFormat()).append(", ");
      }
      if (b.listener().protocol() == Protocol.UDP) {
        UdpLimits limits = config.udpLimits();
        line.append("udp rate ").append(limits.perSourceRate() == 0 ? "unlimited" : limits.perSourceRate() + "/s")
            .append(" per source, budget ").append(limits.globalRate() == 0 ? "unlimited" : limits.globalRate() + "/s")
            .append(", ");
      }
      line.append("transport ").append(transport.name()).append(", ").append(eventLoops).append(" event loops)");
      lines.add(line.toString());
    }
    return lines;
  }

  /** The accept queue as the kernel grants it: Linux silently caps listen()'s backlog at net.core.somaxconn. */
  private String backlogText() {
    int granted = Math.min(config.backlog(), NetUtil.SOMAXCONN);
    return granted == config.backlog()
        ? "backlog " + granted
        : "backlog " + granted + " (asked " + config.backlog() + ", capped by net.core.somaxconn)";
  }

  public String transportName() {
    return transport.name();
  }

  /** TCP connections currently served, not counting refused ones. */
  public int openConnections() {
    return open.get();
  }

  /** What the TCP connections did: closes by reason, the most one connection held. */
  public ConnectionStats connectionStats() {
    return limits.stats();
  }

  /** Bytes held for all clients now, against {@code --max-buffered}. */
  public BufferBudget bufferBudget() {
    return limits.budget();
  }

  /** What the UDP listeners answered and dropped. */
  public UdpDrops udpDrops() {
    return udpDrops;
  }

  /** Stops accepting, lets each connection answer what it has read, closes them, and frees the threads. */
  @Override
  public void close() {
    if (!stopping.compareAndSet(false, true)) {
      awaitStopped();
      return;
    }
    try {
      for (Channel ch : channels) {
        ch.close().awaitUninterruptibly();
      }
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
