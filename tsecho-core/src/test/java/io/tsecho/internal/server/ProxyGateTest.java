package io.tsecho.internal.server;

import static io.tsecho.internal.server.V2Headers.concat;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.tsecho.config.AccessRules;
import io.tsecho.config.Cidr;
import io.tsecho.config.ProxySettings;
import io.tsecho.config.ProxySettings.Mode;
import io.tsecho.internal.net.ProxyHeader;
import io.tsecho.internal.net.ProxyHeader.Version;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The PROXY stage on in-memory connections: what reaches the service, who the peer is, what is counted. */
class ProxyGateTest {
  private static final InetSocketAddress PROXY = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress UNTRUSTED = new InetSocketAddress("10.9.9.9", 40000);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 21566);
  private static final InetSocketAddress CLIENT = new InetSocketAddress("192.168.0.1", 56324);
  private static final InetSocketAddress SERVER = new InetSocketAddress("192.168.0.11", 443);
  private static final byte[] V1 = "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n".getBytes(US_ASCII);
  private static final byte[] V2 = ProxyHeader.tcp(Version.V2, CLIENT, SERVER);
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final CountingEvents events = new CountingEvents();
  private final AtomicLong logClock = new AtomicLong();
  private final Logger proxyLog = (Logger) LoggerFactory.getLogger("test.proxy");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final RateLimitedLog refusals = new RateLimitedLog(proxyLog, "connections refused for their PROXY header",
      10, TimeUnit.SECONDS, logClock::get);
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private Recorder service;

  @BeforeEach
  void captureLog() {
    lines.start();
    proxyLog.addAppender(lines);
    proxyLog.setLevel(Level.DEBUG);
    proxyLog.setAdditive(false); // kept here, out of the build's output
  }

  @AfterEach
  void releaseEverything() {
    proxyLog.detachAppender(lines);
    for (EmbeddedChannel channel : channels) {
      channel.finishAndReleaseAll();
    }
  }

  private static ProxySettings settings(Mode mode) {
    return new ProxySettings(mode, ProxySettings.LOOPBACK, TIMEOUT);
  }

  private Connection connect(Mode mode, InetSocketAddress from) {
    return connect(settings(mode), from);
  }

  private Connection connect(ProxySettings settings, InetSocketAddress from, ConnectionStage... after) {
    service = new Recorder();
    Recorder started = service;
    // Named as TcpInitializer names them.
    Connection connection = new Connection(from, new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(PipelineNames.PROXY, new ProxyGate(settings, events, refusals, proxyLog, "3 s"));
        for (ConnectionStage stage : after) {
          ch.pipeline().addLast(stage.name(), stage.newHandler(ch));
        }
        ch.pipeline().addLast(PipelineNames.SERVICE_STARTER, new ServiceStarter(1 + after.length, () -> started));
      }
    });
    channels.add(connection);
    return connection;
  }

  private static ByteBuf bytes(byte[] data) {
    return Unpooled.copiedBuffer(data);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(US_ASCII);
  }

  /** The service got these bytes, once, with the gate and Netty's decoder both gone from the pipeline. */
  private void assertServed(Connection c, String data) {
    assertThat(c.isOpen()).isTrue();
    assertThat(service.added).as("the service started").isEqualTo(1);
    assertThat(service.received()).isEqualTo(data);
    assertThat(c.pipeline().get(ProxyGate.class)).as("the gate has left").isNull();
    assertThat(c.pipeline().get(HAProxyMessageDecoder.class)).as("Netty's decoder has left").isNull();
    assertThat(c.pipeline().names()).startsWith(PipelineNames.SERVICE);
  }

  private List<String> logged(Level level) {
    return lines.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
  }

  private void assertRefused(Connection c) {
    c.runPendingTasks();
    assertThat(c.isOpen()).as("closed").isFalse();
    assertThat(service.added).as("the service never started").isZero();
    assertThat((Object) c.readOutbound()).as("not a byte sent").isNull();
    assertThat(events.rejected).isEqualTo(1);
    assertThat(events.refused).isEqualTo(Map.of(ListenerEvents.Refusal.PROXY_HEADER, 1));
    assertThat(events.accepted).isZero();
  }

  private void assertProxiedFrom(Connection c, InetSocketAddress client) {
    Peer peer = Peer.of(c);
    assertThat(peer.client()).isEqualTo(client);
    assertThat(peer.via()).isEqualTo(c.remoteAddress());
    assertThat(events.accepted).isEqualTo(1);
    assertThat(events.rejected).isZero();
  }

  private void assertServedAsItself(Connection c) {
    assertThat(Peer.of(c).client()).isEqualTo(c.remoteAddress());
    assertThat(Peer.of(c).via()).isNull();
  }

  // --- headers and what follows them

  @Test
  void v1NamesTheClientAndTheBytesAfterItInTheSameReadReachTheService() {
    Connection c = connect(Mode.REQUIRED, PROXY);
    c.writeInbound(bytes(concat(V1, ascii("hello\n"))));
    assertServed(c, "hello\n");
    assertProxiedFrom(c, CLIENT);
    c.writeInbound(bytes(ascii("more\n")));
    assertThat(service.received()).isEqualTo("hello\nmore\n");
  }

  @Test
  void v1OverIpv6() {
    Connection c = connect(Mode.REQUIRED, PROXY);
    c.writeInbound(bytes(ascii("PROXY TCP6 2001:db8::1 2001:db8::2 4000 443\r\nx")));
    assertServed(c, "x");
    assertProxiedFrom(c, new InetSocketAddress("2001:db8::1", 4000));
  }

  @Test
  void v2OverIpv4AndIpv6() {
    Connection c = connect(Mode.REQUIRED, PROXY);
    c.writeInbound(bytes(concat(V2, ascii("hello\n"))));
    assertServed(c, "hello\n");
    assertProxiedFrom(c, CLIENT);

    InetSocketAddress client6 = new InetSocketAddress("2001:db8::7", 1234);
    events.reset();
    Connection c6 = connect(Mode.REQUIRED, PROXY);
    c6.writeInbound(bytes(concat(ProxyHeader.tcp(Version.V2, client6, new InetSocketAddress("::1", 21566)), ascii("six"))));
    assertServed(c6, "six");
    assertProxiedFrom(c6, client6);
  }

  @Test
  void everyHeaderTheClientsEncoderWritesIsReadBack() {
    InetSocketAddress client6 = new InetSocketAddress("2001:db8::7", 1234);
    InetSocketAddress server6 = new InetSocketAddress("2001:db8::1", 21566);
    for (Version version : Version.values()) {
      for (InetSocketAddress[] ends : new InetSocketAddress[][] {{CLIENT, SERVER}, {client6, server6}, {CLIENT, server6}}) {
        events.reset();
        Connection c = connect(Mode.REQUIRED, PROXY);
        c.writeInbound(bytes(concat(ProxyHeader.tcp(version, ends[0], ends[1]), ascii("after"))));
        assertServed(c, "after");
        assertProxiedFrom(c, ends[0]);
      }
      events.reset();
      Connection local = connect(Mode.REQUIRED, PROXY);
      local.writeInbound(bytes(concat(ProxyHeader.local(version), ascii("after"))));
      assertServed(local, "after");
      assertServedAsItself(local);
      assertThat(events.accepted).isEqualTo(1);
    }
  }

  @Test
  void theHeaderAloneStartsTheServiceBeforeAnyData() {
    Connection c = connect(Mode.REQUIRED, PROXY);
    c.writeInbound(bytes(V2));
    assertServed(c, "");
    assertProxiedFrom(c, CLIENT);
  }

  @Test
  void localIsAHealthCheckServedAsTheConnectionItself() {
    Connection c = connect(Mode.REQUIRED, PROXY);
    c.writeInbound(bytes(concat(ProxyHeader.local(Version.V2), ascii("check"))));
    assertServed(c, "check");
    assertServedAsItself(c);
    assertThat(events.accepted).isEqualTo(1);
    assertThat(logged(Level.DEBUG)).containsExactly("PROXY v2 header from 127.0.0.1:40000: LOCAL, served as the connection itself");
  }

  @Test
  void v1UnknownIsServedAsTheConnectionItself() {
    Connection c = connect(Mode.REQUIRED, PROXY);
    c.writeInbound(bytes(concat(ProxyHeader.local(Version.V1), ascii("x"))));
    assertServed(c, "x");
    assertServedAsItself(c);
    assertThat(events.accepted).isEqualTo(1);
  }

  @Test
  void unknownTlvsAreIgnoredAndTheUniqueIdAndCertificateNameAreLogged() {
    Connection c = connect(Mode.REQUIRED, PROXY);
    byte[] header = V2Headers.withCrc(V2Headers.PROXY, V2Headers.TCP4, V2Headers.ipv4Addresses(),
        V2Headers.tlv(0xE0, "vendor-specific"),
        V2Headers.tlv(0x05, "req-42\r\nforged"),
        V2Headers.ssl(V2Headers.tlv(0x21, "TLSv1.3"), V2Headers.tlv(0x22, "client.example")),
        V2Headers.tlv(0x04, new byte[0])); // NOOP, empty
    c.writeInbound(bytes(concat(header, ascii("data"))));
    assertServed(c, "data");
    assertProxiedFrom(c, CLIENT);
    assertThat(logged(Level.DEBUG)).containsExactly(
        "PROXY v2 header from 127.0.0.1:40000: client 192.168.0.1:56324 unique_id=\"req-42\\x0d\\x0aforged\""
            + " ssl_cn=\"client.example\"");
  }

  @Test
  void aRightChecksumIsAcceptedAndAWrongOneRefused() {
    byte[] header = V2Headers.withCrc(V2Headers.PROXY, V2Headers.TCP4, V2Headers.ipv4Addresses(), V2Headers.tlv(0x05, "id"));
    Connection good = connect(Mode.REQUIRED, PROXY);
    good.writeInbound(bytes(concat(header, ascii("ok"))));
    assertServed(good, "ok");
    assertProxiedFrom(good, CLIENT);

    events.reset();
    byte[] wrong = header.clone();
    wrong[wrong.length - 1] ^= 1;
    Connection bad = connect(Mode.REQUIRED, PROXY);
    bad.writeInbound(bytes(concat(wrong, ascii("ok"))));
    assertRefused(bad);
    assertThat(logged(Level.WARN)).containsExactly(
        "1 connections refused for their PROXY header in the last 10 s"
            + " (latest: from 127.0.0.1:40000: PROXY v2 header with a wrong CRC32C)");
  }

  // --- split reads

  @Test
  void aHeaderSplitAtEveryOffsetGivesTheSameResult() {
    byte[] v2WithTlvs = V2Headers.withCrc(V2Headers.PROXY, V2Headers.TCP4, V2Headers.ipv4Addresses(),
        V2Headers.tlv(0x05, "unique"), V2Headers.tlv(0xE1, "x"));
    for (byte[] header : List.of(V1, V2, v2WithTlvs)) {
      byte[] stream = concat(header, ascii("hello\nworld\n"));
      for (int split = 1; split < stream.length; split++) {
        events.reset();
        Connection c = connect(Mode.OPTIONAL, PROXY);
        c.writeInbound(bytes(Arrays.copyOfRange(stream, 0, split)));
        if (split < header.length) {
          assertThat(service.added).as("split at %d: nothing served before the header is whole", split).isZero();
          assertThat(c.isOpen()).isTrue();
        }
        c.writeInbound(bytes(Arrays.copyOfRange(stream, split, stream.length)));
        assertServed(c, "hello\nworld\n");
        assertProxiedFrom(c, CLIENT);
      }
    }
  }

  @Test
  void aHeaderSentOneByteAtATime() {
    for (byte[] header : List.of(V1, V2)) {
      events.reset();
      Connection c = connect(Mode.REQUIRED, PROXY);
      byte[] stream = concat(header, ascii("ab"));
      for (int i = 0; i < stream.length; i++) {
        c.writeInbound(bytes(new byte[] {stream[i]}));
        assertThat(service.added).as("after byte %d", i).isEqualTo(i + 1 >= header.length ? 1 : 0);
      }
      assertServed(c, "ab");
      assertProxiedFrom(c, CLIENT);
      assertThat(c.isOpen()).isTrue();
    }
  }

  // --- sizes and malformed headers

  @Test
  void theLongestV1HeaderPassesAndOneByteMoreIsRefused() {
    String address = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
    byte[] longest = ascii("PROXY UNKNOWN " + address + " " + address + " 65535 65535\r\n"); // the specification's worst case
    assertThat(longest).hasSize(107);
    Connection c = connect(Mode.REQUIRED, PROXY);
    c.writeInbound(bytes(concat(longest, ascii("x"))));
    assertServed(c, "x");
    assertServedAsItself(c);

    events.reset();
    Connection tooLong = connect(Mode.REQUIRED, PROXY);
    tooLong.writeInbound(bytes(ascii("PROXY UNKNOWN " + address + " " + address + " 65535 065535\r\n")));
    assertRefused(tooLong);
  }

  @Test
  void aV1LineWithoutItsCrlfIsRefusedAt107Bytes() {
    Connection c = connect(Mode.REQUIRED, PROXY);
    byte[] noCrlf = new byte[106];
    Arrays.fill(noCrlf, (byte) '1');
    System.arraycopy(ProxyHeader.V1_SIGNATURE, 0, noCrlf, 0, 6);
    c.writeInbound(bytes(noCrlf));
    assertThat(c.isOpen()).isTrue();
    c.writeInbound(bytes(ascii("1")));
    assertRefused(c);
  }

  @Test
  void aV2HeaderOverTheCapIsRefusedOnItsDeclaredLength() {
    byte[] padding = new byte[ProxyFraming.V2_MAX_LENGTH - 16 - 12 - 3];
    byte[] largest = V2Headers.header(V2Headers.PROXY, V2Headers.TCP4, V2Headers.ipv4Addresses(), V2Headers.tlv(0x04, padding));
    assertThat(largest).hasSize(ProxyFraming.V2_MAX_LENGTH);
    Connection c = connect(Mode.REQUIRED, PROXY);
    c.writeInbound(bytes(concat(largest, ascii("x"))));
    assertServed(c, "x");

    events.reset();
    byte[] over = V2Headers.header(V2Headers.PROXY, V2Headers.TCP4, V2Headers.ipv4Addresses(),
        V2Headers.tlv(0x04, new byte[padding.length + 1]));
    Connection refused = connect(Mode.REQUIRED, PROXY);
    refused.writeInbound(bytes(Arrays.copyOf(over, 16))); // the fixed part says it all
    assertRefused(refused);
  }

  @Test
  void malformedHeadersAreRefused() {
    List<byte[]> malformed = List.of(
        ascii("PROXY TCP4 999.168.0.1 192.168.0.11 56324 443\r\n"),
        ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324\r\n"),
        ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 70000\r\n"),
        ascii("PROXY FOO 192.168.0.1 192.168.0.11 56324 443\r\n"),
        ascii("PROXY \r\n"),
        V2Headers.header(0x31, V2Headers.TCP4, V2Headers.ipv4Addresses()), // version 3
        V2Headers.header(0x22, V2Headers.TCP4, V2Headers.ipv4Addresses()), // command 2
        V2Headers.header(V2Headers.PROXY, 0x51, V2Headers.ipv4Addresses()), // family 5
        V2Headers.header(V2Headers.PROXY, V2Headers.TCP4, new byte[8]), // addresses cut short
        V2Headers.header(V2Headers.PROXY, V2Headers.TCP4, V2Headers.ipv4Addresses(), new byte[] {(byte) 0xE0, 0, 9, 1}),
        V2Headers.header(V2Headers.PROXY, V2Headers.TCP4, V2Headers.ipv4Addresses(), V2Headers.tlv(0x20, new byte[2])),
        V2Headers.header(V2Headers.PROXY, V2Headers.UDP4, V2Headers.ipv4Addresses()));
    for (byte[] header : malformed) {
      events.reset();
      Connection c = connect(Mode.REQUIRED, PROXY);
      c.writeInbound(bytes(concat(header, ascii("data after it\n"))));
      assertRefused(c);
    }
  }

  // --- time limit

  @Test
  void requiredRefusesASilentConnectionWhenTheTimeIsUp() {
    Connection c = connect(Mode.REQUIRED, PROXY);
    c.advance(TIMEOUT.toMillis() - 1);
    assertThat(c.isOpen()).isTrue();
    c.advance(1);
    assertRefused(c);
    assertThat(logged(Level.WARN)).containsExactly(
        "1 connections refused for their PROXY header in the last 10 s (latest: from 127.0.0.1:40000: no PROXY header within 3 s)");
  }

  @Test
  void aHeaderStillIncompleteWhenTheTimeIsUpIsRefusedInEitherMode() {
    for (Mode mode : List.of(Mode.REQUIRED, Mode.OPTIONAL)) {
      events.reset();
      Connection c = connect(mode, PROXY);
      c.writeInbound(bytes(Arrays.copyOf(V2, 20)));
      c.advance(TIMEOUT.toMillis());
      assertRefused(c);
    }
  }

  @Test
  void optionalServesASilentClientAsItselfWhenTheTimeIsUp() {
    Connection c = connect(Mode.OPTIONAL, PROXY);
    c.advance(TIMEOUT.toMillis() - 1);
    assertThat(service.added).isZero();
    c.advance(1);
    assertServed(c, "");
    assertServedAsItself(c);
    assertThat(events.accepted + events.rejected).isZero();
  }

  @Test
  void aHeaderInTimeCancelsTheTimer() {
    Connection c = connect(Mode.REQUIRED, PROXY);
    c.writeInbound(bytes(V1));
    c.advance(TIMEOUT.toMillis() * 2);
    assertServed(c, "");
    assertThat(events.rejected).isZero();
  }

  // --- required and optional

  @Test
  void requiredClosesAConnectionWithoutAHeaderWithoutAReply() {
    Connection c = connect(Mode.REQUIRED, PROXY);
    c.writeInbound(bytes(ascii("hello\n")));
    assertRefused(c);
  }

  @Test
  void optionalServesDataAsItIsWithTheRealEndpoints() {
    Connection c = connect(Mode.OPTIONAL, PROXY);
    c.writeInbound(bytes(ascii("hello\n")));
    assertServed(c, "hello\n");
    assertServedAsItself(c);
    assertThat(events.accepted + events.rejected).isZero();
  }

  @Test
  void optionalWaitsWhileTheBytesCouldStillBeASignature() {
    Connection c = connect(Mode.OPTIONAL, PROXY);
    c.writeInbound(bytes(ascii("PROX")));
    assertThat(service.added).isZero();
    c.writeInbound(bytes(ascii("IMA ")));
    assertServed(c, "PROXIMA ");

    Connection blank = connect(Mode.OPTIONAL, PROXY);
    blank.writeInbound(bytes(ascii("\r\n")));
    assertThat(service.added).as("an empty line is how a v2 signature starts").isZero();
    blank.writeInbound(bytes(ascii("\r\nhi\n")));
    assertServed(blank, "\r\n\r\nhi\n");
  }

  @Test
  void optionalServesWhatCameBeforeEndOfInputWhenItCanNoLongerBeAHeader() {
    Connection c = connect(Mode.OPTIONAL, PROXY);
    c.writeInbound(bytes(ascii("PROX")));
    c.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertServed(c, "PROX");
    assertThat(service.events).containsExactly(ChannelInputShutdownEvent.INSTANCE);
    assertThat(service.readCompletes).as("a read batch ends before the end of input").isEqualTo(1);
  }

  @Test
  void endOfInputInsideAHeaderIsRefusedInEitherMode() {
    for (Mode mode : List.of(Mode.REQUIRED, Mode.OPTIONAL)) {
      events.reset();
      Connection c = connect(mode, PROXY);
      c.writeInbound(bytes(Arrays.copyOf(V1, 20)));
      c.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
      assertRefused(c);
    }
  }

  @Test
  void aConnectionClosedByTheClientBeforeItsHeaderIsCountedOnce() {
    Connection c = connect(Mode.REQUIRED, PROXY);
    c.writeInbound(bytes(Arrays.copyOf(V2, 5)));
    c.close();
    assertRefused(c);
  }

  @Test
  void serverShutdownClosesAWaitingConnectionWithoutCountingIt() {
    Connection c = connect(Mode.REQUIRED, PROXY);
    c.pipeline().fireUserEventTriggered(ServerShutdown.INSTANCE);
    c.runPendingTasks();
    assertThat(c.isOpen()).isFalse();
    assertThat(events.rejected).isZero();
  }

  // --- sources

  @Test
  void requiredClosesAnUntrustedSourceAtOnce() {
    Connection c = connect(Mode.REQUIRED, UNTRUSTED);
    assertRefused(c);
  }

  @Test
  void optionalServesAnUntrustedSourceWithoutAHeaderAndRefusesItsHeader() {
    Connection plain = connect(Mode.OPTIONAL, UNTRUSTED);
    plain.writeInbound(bytes(ascii("hello\n")));
    assertServed(plain, "hello\n");
    assertServedAsItself(plain);

    for (byte[] header : List.of(V1, V2)) {
      events.reset();
      Connection forged = connect(Mode.OPTIONAL, UNTRUSTED);
      forged.writeInbound(bytes(Arrays.copyOf(header, 12))); // refused on the signature alone
      assertRefused(forged);
    }
  }

  @Test
  void trustedSourcesComeFromTheSettings() {
    ProxySettings lan = new ProxySettings(Mode.REQUIRED, List.of(Cidr.parse("10.0.0.0/8")), TIMEOUT);
    Connection c = connect(lan, UNTRUSTED);
    c.writeInbound(bytes(V1));
    assertServed(c, "");
    assertProxiedFrom(c, CLIENT);

    events.reset();
    Connection loopback = connect(lan, PROXY);
    assertRefused(loopback);
  }

  // --- refusals are logged at most once per interval

  @Test
  void manyRefusalsMakeOneLogLinePerInterval() {
    for (int i = 0; i < 100; i++) {
      connect(Mode.REQUIRED, PROXY).writeInbound(bytes(ascii("no header " + i + "\n")));
    }
    assertThat(events.rejected).isEqualTo(100);
    assertThat(logged(Level.WARN)).hasSize(1);
    logClock.addAndGet(TimeUnit.SECONDS.toNanos(10));
    connect(Mode.REQUIRED, PROXY).writeInbound(bytes(ascii("again\n")));
    assertThat(logged(Level.WARN)).containsExactly(
        "1 connections refused for their PROXY header in the last 10 s (latest: from 127.0.0.1:40000: no PROXY header)",
        "100 connections refused for their PROXY header in the last 10 s (latest: from 127.0.0.1:40000: no PROXY header)");
  }

  // --- access control on the real client

  @Test
  void accessControlJudgesTheClientNamedByTheHeader() {
    AccessRules denyClient = new AccessRules(List.of(), List.of(Cidr.parse("192.168.0.0/16")), 0);
    AccessStage access = new AccessStage(denyClient, true, new SourceCounts(0), events, refusals);
    Connection denied = connect(settings(Mode.REQUIRED), PROXY, access);
    denied.writeInbound(bytes(concat(V1, ascii("hello\n"))));
    denied.runPendingTasks();
    assertThat(denied.isOpen()).isFalse();
    assertThat(service.added).isZero();
    assertThat(events.refused).isEqualTo(Map.of(ListenerEvents.Refusal.ACCESS_DENIED, 1));

    Connection allowed = connect(settings(Mode.REQUIRED), PROXY, access);
    allowed.writeInbound(bytes(concat(ProxyHeader.tcp(Version.V1, new InetSocketAddress("10.1.1.1", 5), SERVER),
        ascii("hello\n"))));
    assertServed(allowed, "hello\n");
    assertThat(Peer.of(allowed).client()).isEqualTo(new InetSocketAddress("10.1.1.1", 5));
  }

  /** An in-memory connection from a given address, with a clock that moves only when told to. */
  private static final class Connection extends FrozenTimeChannel {
    private final InetSocketAddress remote;

    Connection(InetSocketAddress remote, ChannelHandler... handlers) {
      super(EmbeddedChannel.builder().register(false).handlers(handlers));
      this.remote = remote;
      registerNow();
    }

    /** Moves the clock on and runs what falls due. */
    void advance(long millis) {
      advanceTimeBy(millis, TimeUnit.MILLISECONDS);
      runScheduledPendingTasks();
    }

    @Override
    protected SocketAddress remoteAddress0() {
      return isActive() ? remote : null;
    }

    @Override
    protected SocketAddress localAddress0() {
      return isActive() ? LOCAL : null;
    }
  }

  /** Stands for the service: what it received, in order. */
  private static final class Recorder extends ChannelInboundHandlerAdapter {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<Object> events = new ArrayList<>();
    private int added;
    private int readCompletes;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      added++;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      byte[] data = new byte[buf.readableBytes()];
      buf.readBytes(data);
      buf.release();
      received.writeBytes(data);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      readCompletes++;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      events.add(evt);
    }

    String received() {
      return received.toString(US_ASCII);
    }
  }

  private static final class CountingEvents implements ListenerEvents {
    int accepted;
    int rejected;
    final Map<Refusal, Integer> refused = new EnumMap<>(Refusal.class);

    void reset() {
      accepted = 0;
      rejected = 0;
      refused.clear();
    }

    @Override
    public void proxyHeader(EventLoop loop, boolean ok) {
      if (ok) {
        accepted++;
      } else {
        rejected++;
      }
    }

    @Override
    public void refused(EventLoop loop, Refusal refusal) {
      refused.merge(refusal, 1, Integer::sum);
    }
  }
}
