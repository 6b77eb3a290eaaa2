package io.tsecho.internal.server;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.tsecho.config.Listener;
import io.tsecho.config.Protocol;
import io.tsecho.config.ProxySettings;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.internal.net.Transports;
import io.tsecho.protocol.Framing;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Makes the bootstrap of each listener: socket options, and the stages its connections get. */
final class Bootstraps {
  /** Room for the largest UDP datagram. */
  private static final int UDP_SLOT = 65_536;
  /** Datagrams read per system call on epoll; 16 x 64 KiB measured best (2 MiB buffers leave the pool). */
  private static final int UDP_READ_SLOTS = 16;
  /**
   * Bounds the pause a burst of new connections makes for those being served; with 1000 busy
   * connections, 16 per wake still left a burst of 1000 waiting a second.
   */
  static final int ACCEPTS_PER_WAKE = 64;

  private final ServerContext server;
  private final ServerConfig config;
  private final Transports transport;
  private final EventLoopGroup group;
  private final Map<Listener, ListenerEvents> events = new IdentityHashMap<>();
  private final RateLimitedLog proxyRefusals = ProxyStage.refusalLog();

  Bootstraps(ServerContext server, Transports transport, EventLoopGroup group) {
    this.server = server;
    this.config = server.config();
    this.transport = transport;
    this.group = group;
  }

  /** The events of a listener, asked of the server's events once. */
  ListenerEvents events(Listener listener) {
    return events.computeIfAbsent(listener, l -> server.events().listener(l));
  }

  AbstractBootstrap<?, ?> forListener(Listener listener) {
    return listener.protocol().isStream() ? tcp(listener) : udp(listener);
  }

  /**
   * The stages in front of the service, in pipeline order; each only when its feature is on. The
   * PROXY header comes first, since every other stage needs to know who the client is.
   */
  List<ConnectionStage> stages(Listener listener) {
    List<ConnectionStage> stages = new ArrayList<>();
    boolean proxied = config.proxy().mode() != ProxySettings.Mode.OFF;
    if (proxied) {
      stages.add(new ProxyStage(config.proxy(), events(listener), proxyRefusals));
    }
    if (!config.access().isOpen()) {
      stages.add(new AccessStage(config.access(), proxied, server.perSource(), events(listener), server.accessLog()));
    }
    if (listener.protocol() == Protocol.TLS) {
      stages.addAll(server.tls().stages(events(listener)));
    }
    if (config.trace()) {
      stages.add(new TraceStage(listener));
    }
    // Always: a test may set faults while the server runs.
    stages.add(new FaultStage(server.faults(), (int) stages.stream().filter(ConnectionStage::isGate).count()));
    return stages;
  }

  @SuppressWarnings("deprecation") // MAX_MESSAGES_PER_READ: see below
  private ServerBootstrap tcp(Listener listener) {
    Service service = listener.service();
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, config.backlog())
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.RCVBUF_ALLOCATOR, acceptAllocator())
        .childOption(ChannelOption.TCP_NODELAY, config.tcpNoDelay())
        .childOption(ChannelOption.SO_KEEPALIVE, config.keepAlive())
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, TsechoServer.WATER_MARK)
        .childHandler(new TcpInitializer(listener, server, events(listener), stages(listener)));
    if (service.isStamped() && config.framing() == Framing.RAW) {
      bootstrap.childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(config.bufferSize()));
    } else {
      // Each connection already gets an adaptive receive allocator of its own (Netty's default), here
      // set to read one buffer per batch. Handing it another would make Netty build and drop a
      // handle per connection to check it: 112 B of garbage per accept.
      bootstrap.childOption(ChannelOption.MAX_MESSAGES_PER_READ, 1);
    }
    if (config.receiveBufferSize() > 0) {
      bootstrap.childOption(ChannelOption.SO_RCVBUF, config.receiveBufferSize());
    }
    if (config.sendBufferSize() > 0) {
      bootstrap.childOption(ChannelOption.SO_SNDBUF, config.sendBufferSize());
    }
    if (transport.notSentLowWatermark() != null) {
      bootstrap.childOption(transport.notSentLowWatermark(), TsechoServer.NOT_SENT_LOW_WATERMARK);
    }
    return bootstrap;
  }

  /**
   * Up to {@value #ACCEPTS_PER_WAKE} connections accepted each time the loop finds the listener
   * ready. Netty 4.2's epoll listener asks its allocator whether more may be waiting by comparing
   * the accepted descriptor with the one "byte" it attempted, so by default it accepts one per wake:
   * at 1000 busy connections a burst then waited seconds in the kernel's accept queue.
   */
  static RecvByteBufAllocator acceptAllocator() {
    return new ServerChannelRecvByteBufAllocator().respectMaybeMoreData(false).maxMessagesPerRead(ACCEPTS_PER_WAKE);
  }

  /** A UDP listener's service alone; with {@code --trace}, the trace in front of it. */
  private ChannelHandler traced(Listener listener, ChannelHandler service) {
    if (!config.trace()) {
      return service;
    }
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(PipelineNames.TRACE, new DatagramTraceHandler(listener, TraceStage.LOG));
        ch.pipeline().addLast(PipelineNames.SERVICE, service);
      }
    };
  }

  private Bootstrap udp(Listener listener) {
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(transport.datagramChannel())
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, TsechoServer.UDP_WATER_MARK)
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UDP_READ_SLOTS * UDP_SLOT))
        .handler(traced(listener, new DatagramServiceHandler(listener.service(), server.clocks(), config.udpLimits(),
            config.access(), server.udpDrops(), events(listener), new WhoamiHeader(config.instance()),
            new DatagramFaults(server.faults()), server.messages(), System::nanoTime)));
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
}
