package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.tsecho.config.AccessRules;
import io.tsecho.config.Cidr;
import io.tsecho.config.Listener;
import io.tsecho.config.ProxySettings;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.TlsSettings;
import io.tsecho.internal.net.Transports;
import io.tsecho.protocol.Framing;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The socket options and stages each listener gets, read from its bootstrap without binding a socket. */
class BootstrapsTest {
  private static final Transports NIO = new Transports("nio", null, NioServerSocketChannel.class,
      NioSocketChannel.class, NioDatagramChannel.class, null);
  /** Epoll's classes and options, never loaded natively: the bootstrap only names them. */
  private static final Transports EPOLL = new Transports("epoll", null, EpollServerSocketChannel.class,
      EpollSocketChannel.class, EpollDatagramChannel.class, EpollChannelOption.TCP_NOTSENT_LOWAT);
  private static final Listener STAMP = Listener.parse("stamp/tcp/127.0.0.1:0");

  /** Only its event loop is used, as the bootstraps' group. */
  private final EmbeddedChannel loop = new EmbeddedChannel();
  private final List<Listener> asked = new ArrayList<>();
  private ServerContext server;

  @AfterEach
  void close() {
    loop.finishAndReleaseAll();
    if (server != null && server.tls() != null) {
      server.tls().close();
    }
  }

  private Bootstraps bootstraps(Transports transport, UnaryOperator<ServerConfig.Builder> settings) {
    ServerConfig config = settings.apply(ServerConfig.builder()).build();
    TlsStages tls = config.tls() == null ? null : TlsStages.load(config.tls(), Instant.now());
    server = new ServerContext(config, new Clocks(config, Clock.systemUTC()), ConnectionLimits.of(config),
        new OpenConnections(config.maxConnections()), TcpInitializer.refusalLog(config), AccessStage.denialLog(),
        new SourceCounts(0), new UdpDrops(), new Faults(List.of(), 1), listener -> {
          asked.add(listener);
          return ListenerEvents.NONE;
        }, null, tls);
    return new Bootstraps(server, transport, loop.eventLoop());
  }

  private static List<String> names(List<ConnectionStage> stages) {
    return stages.stream().map(s -> s.name() + (s.isGate() ? "(gate)" : "")).toList();
  }

  @Test
  void aTcpListenerGetsTheServersSocketOptions() {
    ServerBootstrap tcp = (ServerBootstrap) bootstraps(NIO, b -> b.backlog(77).tcpNoDelay(false).keepAlive(true))
        .forListener(STAMP);
    Map<ChannelOption<?>, Object> options = tcp.config().options();
    assertThat(options).containsEntry(ChannelOption.SO_BACKLOG, 77).containsEntry(ChannelOption.SO_REUSEADDR, true);
    Map<ChannelOption<?>, Object> child = tcp.config().childOptions();
    assertThat(child).containsEntry(ChannelOption.TCP_NODELAY, false).containsEntry(ChannelOption.SO_KEEPALIVE, true)
        .containsEntry(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .containsEntry(ChannelOption.WRITE_BUFFER_WATER_MARK, TsechoServer.WATER_MARK)
        .doesNotContainKeys(ChannelOption.SO_RCVBUF, ChannelOption.SO_SNDBUF, ChannelOption.RCVBUF_ALLOCATOR);
    assertThat(child.get(maxMessagesPerRead())).as("one read per batch").isEqualTo(1);
    assertThat(tcp.config().childHandler()).isInstanceOf(TcpInitializer.class);
    assertThat(tcp.config().group()).isSameAs(loop.eventLoop());
  }

  @SuppressWarnings("deprecation")
  private static ChannelOption<Integer> maxMessagesPerRead() {
    return ChannelOption.MAX_MESSAGES_PER_READ;
  }

  @Test
  void rawFramingReadsIntoBuffersOfTheConfiguredSize() {
    ServerBootstrap raw = (ServerBootstrap) bootstraps(NIO, b -> b.framing(Framing.RAW).bufferSize(4096))
        .forListener(STAMP);
    Object allocator = raw.config().childOptions().get(ChannelOption.RCVBUF_ALLOCATOR);
    assertThat(allocator).isInstanceOf(FixedRecvByteBufAllocator.class);
    assertThat(guess((RecvByteBufAllocator) allocator)).isEqualTo(4096);
    assertThat(raw.config().childOptions()).doesNotContainKey(maxMessagesPerRead());

    ServerBootstrap echo = (ServerBootstrap) bootstraps(NIO, b -> b.framing(Framing.RAW))
        .forListener(Listener.parse("echo/tcp/127.0.0.1:0"));
    assertThat(echo.config().childOptions()).as("raw framing is the stamp's").doesNotContainKey(
        ChannelOption.RCVBUF_ALLOCATOR);
  }

  private static int guess(RecvByteBufAllocator allocator) {
    return allocator.newHandle().guess();
  }

  @Test
  void socketBufferSizesAndTheNotSentWatermarkAreSetOnlyWhenThereAreSome() {
    ServerBootstrap tcp = (ServerBootstrap) bootstraps(EPOLL, b -> b.receiveBufferSize(65536).sendBufferSize(32768))
        .forListener(STAMP);
    assertThat(tcp.config().childOptions()).containsEntry(ChannelOption.SO_RCVBUF, 65536)
        .containsEntry(ChannelOption.SO_SNDBUF, 32768)
        .containsEntry(EpollChannelOption.TCP_NOTSENT_LOWAT, TsechoServer.NOT_SENT_LOW_WATERMARK);
    Bootstrap udp = (Bootstrap) bootstraps(NIO, b -> b.receiveBufferSize(65536).sendBufferSize(32768))
        .forListener(Listener.parse("echo/udp/127.0.0.1:0"));
    assertThat(udp.config().options()).containsEntry(ChannelOption.SO_RCVBUF, 65536)
        .containsEntry(ChannelOption.SO_SNDBUF, 32768);
  }

  @Test
  void aUdpListenerReadsWholeDatagramsAndManyAtOnceOnEpoll() {
    Bootstrap nio = (Bootstrap) bootstraps(NIO, b -> b).forListener(Listener.parse("stamp/udp/127.0.0.1:0"));
    Map<ChannelOption<?>, Object> options = nio.config().options();
    assertThat(options).containsEntry(ChannelOption.SO_REUSEADDR, true)
        .containsEntry(ChannelOption.WRITE_BUFFER_WATER_MARK, TsechoServer.UDP_WATER_MARK)
        .doesNotContainKeys(ChannelOption.SO_RCVBUF, ChannelOption.SO_SNDBUF, EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE);
    assertThat(guess((RecvByteBufAllocator) options.get(ChannelOption.RCVBUF_ALLOCATOR))).isEqualTo(65_536);
    assertThat(nio.config().handler()).isInstanceOf(DatagramServiceHandler.class);

    Bootstrap epoll = (Bootstrap) bootstraps(EPOLL, b -> b).forListener(Listener.parse("stamp/udp/127.0.0.1:0"));
    Map<ChannelOption<?>, Object> epollOptions = epoll.config().options();
    assertThat(epollOptions).containsEntry(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 65_536);
    assertThat(guess((RecvByteBufAllocator) epollOptions.get(ChannelOption.RCVBUF_ALLOCATOR)))
        .as("room for 16 datagrams per recvmmsg").isEqualTo(16 * 65_536);
  }

  @Test
  void withTraceOnAUdpListenerHasTheTraceInFrontOfItsService() {
    Bootstrap udp = (Bootstrap) bootstraps(NIO, b -> b.trace(true)).forListener(Listener.parse("echo/udp/127.0.0.1:0"));
    EmbeddedChannel c = new EmbeddedChannel(udp.config().handler());
    try {
      assertThat(c.pipeline().names()).startsWith(PipelineNames.TRACE, PipelineNames.SERVICE);
      assertThat(c.pipeline().get(PipelineNames.TRACE)).isInstanceOf(DatagramTraceHandler.class);
      assertThat(c.pipeline().get(PipelineNames.SERVICE)).isInstanceOf(DatagramServiceHandler.class);
    } finally {
      c.finishAndReleaseAll();
    }
  }

  @Test
  void aPlainListenerHasOnlyTheFaultStage() {
    assertThat(names(bootstraps(NIO, b -> b).stages(STAMP))).containsExactly(PipelineNames.FAULTS);
  }

  @Test
  void eachFeatureAddsItsStageInPipelineOrderAndTheFaultsKnowTheGatesInFront() {
    Bootstraps all = bootstraps(NIO, b -> b.trace(true)
        .proxy(new ProxySettings(ProxySettings.Mode.OPTIONAL, ProxySettings.LOOPBACK, java.time.Duration.ofSeconds(3)))
        .access(new AccessRules(List.of(Cidr.parse("127.0.0.0/8")), List.of(), 0))
        .tls(new TlsSettings(null, null, true, null))
        .listen(Listener.parse("stamp/tls/127.0.0.1:0")).listen(STAMP));
    List<ConnectionStage> stages = all.stages(Listener.parse("stamp/tls/127.0.0.1:0"));
    assertThat(names(stages)).containsExactly("proxy(gate)", "access(gate)", "tls", "tls-gate(gate)", "trace", "faults");
    assertThat(names(all.stages(STAMP))).as("TLS only on a tls listener")
        .containsExactly("proxy(gate)", "access(gate)", "trace", "faults");
  }

  @Test
  void theServersEventsAreAskedOncePerListener() {
    Bootstraps bootstraps = bootstraps(NIO, b -> b);
    Listener udp = Listener.parse("echo/udp/127.0.0.1:0");
    assertThat(bootstraps.events(STAMP)).isSameAs(bootstraps.events(STAMP));
    bootstraps.forListener(STAMP);
    bootstraps.forListener(udp);
    bootstraps.events(udp);
    assertThat(asked).containsExactly(STAMP, udp);
  }
}
