package io.tsecho.internal.server;

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
import io.netty.util.NetUtil;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tsecho.config.Listener;
import io.tsecho.config.Protocol;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.config.UdpLimits;
import io.tsecho.internal.net.Addresses;
import io.tsecho.internal.net.Transports;
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
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;

/**
 * A running server: every listener of its configuration, bound and served by one group of event
 * loops. {@link #start} returns once every socket is bound; {@link #close} stops accepting, answers
 * what every connection has sent, and releases everything.
 */
public final class TsechoServer implements AutoCloseable {

  /** Outbound bytes queued per connection above which the server stops reading from it. */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

  /**
   * Replies the kernel holds per connection beyond what the client's window lets it send
   * ({@code TCP_NOTSENT_LOWAT}). Without it a client that reads slowly leaves megabytes in the
   * kernel, and the server sees its writes progress only once a third of that has drained, which at a
   * few KiB/s takes longer than the write time-out.
   */
  static final long NOT_SENT_LOW_WATERMARK = 128 * 1024;

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

  /** A listener and the address its socket really got. */
  public record Bound(Listener listener, InetSocketAddress address) {
    /** The listener as written with {@code --listen}, with the real port. */
    public String describe() {
      return listener.describe(Addresses.format(address));
    }
  }

  private final ServerContext server;
  private final ServerConfig config;
  private final Transports transport;
  private final int eventLoops;
  private final EventLoopGroup group;
  private final List<Channel> channels;
  private final List<Bound> bound;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private TsechoServer(ServerContext server, Transports transport, int eventLoops, EventLoopGroup group,
      List<Channel> channels, List<Bound> bound) {
    this.server = server;
    this.config = server.config();
    this.transport = transport;
    this.eventLoops = eventLoops;
    this.group = group;
    this.channels = channels;
    this.bound = bound;
  }

  /**
   * Binds every listener and starts serving. If any bind fails, the ones already bound are closed.
   *
   * @throws BindFailedException when a socket cannot be bound (port in use, permission, no such address)
   * @throws UnknownHostException when a host name to bind does not resolve
   */
  public static TsechoServer start(ServerConfig config, Clock clock) throws BindFailedException, UnknownHostException {
    return start(config, clock, ServerEvents.NONE, null, UnaryOperator.identity());
  }

  /**
   * As {@link #start(ServerConfig, Clock)}, reporting to {@code events} as it serves (for metrics).
   */
  public static TsechoServer start(ServerConfig config, Clock clock, ServerEvents events)
      throws BindFailedException, UnknownHostException {
    return start(config, clock, events, null, UnaryOperator.identity());
  }

  /**
   * As {@link #start(ServerConfig, Clock, ServerEvents)}, telling {@code messages} of every message
   * received (for tests that check what their client sent).
   */
  public static TsechoServer start(ServerConfig config, Clock clock, ServerEvents events, MessageListener messages)
      throws BindFailedException, UnknownHostException {
    return start(config, clock, events, Objects.requireNonNull(messages, "messages"),
        UnaryOperator.identity());
  }

  /** As {@link #start(ServerConfig, Clock)}, with the binding of each socket wrapped: tests make ports clash with it. */
  static TsechoServer startWrappingBinds(ServerConfig config, Clock clock, UnaryOperator<Binder> wrapBinder)
      throws BindFailedException, UnknownHostException {
    return start(config, clock, ServerEvents.NONE, null, wrapBinder);
  }

  private static TsechoServer start(ServerConfig config, Clock clock, ServerEvents events, MessageListener messages,
      UnaryOperator<Binder> wrapBinder) throws BindFailedException, UnknownHostException {
    Transports transport = Transports.resolve(config.transport());
    TlsStages tls = config.tls() == null ? null : TlsStages.load(config.tls(), clock.instant()); // before any socket
    // One loop per core serves both accepting and connections: a separate accept loop would be one more busy thread.
    int eventLoops = config.threads() > 0 ? config.threads() : NettyRuntime.availableProcessors();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(
        eventLoops, new DefaultThreadFactory("tsecho-io"), transport.ioHandlerFactory());
    ServerContext server = new ServerContext(config, new Clocks(config, clock), ConnectionLimits.of(config),
        new OpenConnections(config.maxConnections()),
        TcpInitializer.refusalLog(config), AccessStage.denialLog(), new SourceCounts(config.access().maxPerSource()),
        new UdpDrops(), new Faults(config.faults().faults(), config.faults().seed()), events, messages, tls);
    Bootstraps bootstraps = new Bootstraps(server, transport, group);
    Binder binder = wrapBinder.apply((listener, address) -> bootstraps.forListener(listener).bind(address));

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
      if (tls != null) {
        tls.close();
      }
      throw e;
    }
    for (Bound b : bound) {
      bootstraps.events(b.listener()).bound(b.address());
      if (config.trace()) {
        TraceStage.bound(b, config.backlog());
      }
    }
    return new TsechoServer(server, transport, eventLoops, group, channels, bound);
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
          .computeIfAbsent(actual.getPort(), p -> EnumSet.noneOf(Protocol.class)).add(listener.protocol().socket());
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
        if (!picked.getValue().contains(listener.protocol().socket())) {
          port = picked.getKey();
          break;
        }
      }
    }
    return listener.host() == null
        ? new InetSocketAddress(port)
        : new InetSocketAddress(InetAddress.getByName(listener.host()), port);
  }

  /** Every listener with the address it got. */
  public List<Bound> bound() {
    return List.copyOf(bound);
  }

  /** The listening sockets and the connections served now, for tests that look into their pipelines. */
  List<Channel> channels() {
    List<Channel> all = new ArrayList<>(channels);
    all.addAll(server.connections().channels());
    return all;
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
      if (b.listener().service().isStamped() && b.listener().protocol().isStream()) {
        line.append("framing ").append(config.framing().cliName()).append(", ");
      }
      if (b.listener().protocol().isStream()) {
        line.append(backlogText()).append(", ");
        if (config.proxy().mode() != io.tsecho.config.ProxySettings.Mode.OFF) {
          line.append("proxy protocol ").append(config.proxy().mode().cliName()).append(" from ");
          line.append(String.join(" ", config.proxy().trustedSources().stream().map(Object::toString).toList()))
              .append(", ");
        }
      }
      if (b.listener().service().isStamped() || b.listener().service() == Service.DAYTIME) {
        line.append("time format ").append(config.timeFormat()).append(", ");
      }
      if (b.listener().protocol() == Protocol.TLS) {
        line.append(server.tls().tls().describe()).append(", ");
      }
      if (b.listener().service() == Service.WHOAMI) {
        line.append("instance ").append(config.instance()).append(", ");
      }
      if (b.listener().protocol() == Protocol.UDP) {
        UdpLimits limits = config.udpLimits();
        line.append("udp rate ").append(limits.perSourceRate() == 0 ? "unlimited" : limits.perSourceRate() + "/s")
            .append(" per source, budget ").append(limits.globalRate() == 0 ? "unlimited" : limits.globalRate() + "/s")
            .append(", ");
      }
      List<String> faults = new ArrayList<>();
      for (io.tsecho.config.Fault f : server.faults().active()) {
        if (f.kind().appliesTo(b.listener().protocol())) {
          faults.add(f.toString());
        }
      }
      if (!faults.isEmpty()) {
        line.append("faults ").append(String.join(" ", faults)).append(", fault seed ").append(server.faults().seed())
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
    return server.connections().count();
  }

  /** What the TCP connections did: closes by reason, the most one connection held. */
  public ConnectionStats connectionStats() {
    return server.limits().stats();
  }

  /** Bytes held for all clients now, against {@code --max-buffered}. */
  public BufferBudget bufferBudget() {
    return server.limits().budget();
  }

  /** The faults injected on purpose: read what they did, or change them while the server runs. */
  public Faults faults() {
    return server.faults();
  }

  /** What the UDP listeners answered and dropped. */
  public UdpDrops udpDrops() {
    return server.udpDrops();
  }

  /** Stops accepting, lets each connection answer what it has read, closes them, and frees the threads. */
  @Override
  public void close() {
    if (!stopping.compareAndSet(false, true)) {
      awaitStopped();
      return;
    }
    try {
      for (int i = 0; i < channels.size(); i++) {
        channels.get(i).close().awaitUninterruptibly();
        if (config.trace()) {
          TraceStage.closed(bound.get(i));
        }
      }
      OpenConnections connections = server.connections();
      connections.shutDown();
      connections.awaitClosed(SHUTDOWN_DRAIN.toMillis());
      connections.closeAll(SHUTDOWN_DRAIN.toMillis());
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
      String applied = server.faults().appliedSummary();
      if (!applied.isEmpty()) {
        LoggerFactory.getLogger(TsechoServer.class).info("faults applied: {}", applied);
      }
      if (server.tls() != null) {
        server.tls().close();
      }
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
