package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tsecho.config.Fault;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.protocol.Framing;
import io.tsecho.protocol.Stamper;
import io.tsecho.protocol.TimeFormat;
import io.tsecho.testing.MutableClock;
import io.tsecho.testing.Replies;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The life of one connection whatever its service, on in-memory connections with a frozen clock:
 * what the listener's events and the connection's log line are told, and how it closes.
 */
class TcpServiceHandlerTest {
  private static final String P = "[Tue Jan  9 21:14:00 2018] ";
  private static final InetSocketAddress CLIENT = new InetSocketAddress("192.168.0.1", 56324);
  private static final InetSocketAddress PROXY = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 21566);
  /** The connection's line, with its duration (measured on the real clock) taken out. */
  private static final String DURATION = "duration=\\d+ms";

  private final MutableClock clock = new MutableClock(Instant.parse("2018-01-09T21:14:00Z"));
  private final Logger connections = (Logger) LoggerFactory.getLogger("io.tsecho.connections");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final RecordingEvents events = new RecordingEvents();
  private Level level;
  private ConnectionLimits limits;
  private EmbeddedChannel channel;

  @BeforeEach
  void captureLog() {
    level = connections.getLevel();
    lines.start();
    connections.addAppender(lines);
    connections.setLevel(Level.INFO);
    connections.setAdditive(false);
  }

  @AfterEach
  void restoreLog() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
    connections.detachAppender(lines);
    connections.setLevel(level);
    connections.setAdditive(true);
  }

  private ConnectionSettings settings(Service service, UnaryOperator<ServerConfig.Builder> config) {
    limits = ConnectionLimits.of(config.apply(ServerConfig.builder().zone(ZoneOffset.UTC)).build());
    return ConnectionSettings.of(service, limits, events, null);
  }

  private StampHandler stamp(UnaryOperator<ServerConfig.Builder> config) {
    Stamper stamper = Stamper.replyPrefix(TimeFormat.parse("ctime", ZoneOffset.UTC), clock);
    return new StampHandler(StampSettings.of(settings(Service.STAMP, config), stamper, ch -> false, null));
  }

  private HalfClosingChannel halfClosing(ChannelInboundHandlerAdapter... handlers) {
    HalfClosingChannel c = new HalfClosingChannel(CLIENT, LOCAL, handlers);
    channel = c;
    return c;
  }

  private void advance(long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, ISO_8859_1);
  }

  private List<String> logged(Level at) {
    return lines.list.stream().filter(e -> e.getLevel() == at).map(ILoggingEvent::getFormattedMessage).toList();
  }

  private ILoggingEvent closedLine() {
    assertThat(logged(Level.INFO)).hasSize(1);
    return lines.list.stream().filter(e -> e.getLevel() == Level.INFO).findFirst().orElseThrow();
  }

  @Test
  void echoReportsEachReadBatchOnceAndItsCloseInOneLine() {
    halfClosing(new EchoHandler(settings(Service.ECHO, b -> b)));
    channel.writeInbound(bytes("abc"), bytes("de"));
    assertThat(Replies.written(channel)).isEqualTo("abcde");
    assertThat(events.seen).containsExactly("received 5", "replied 2 5");
    channel.writeInbound(bytes("f"));
    assertThat(Replies.written(channel)).isEqualTo("f");
    assertThat(events.seen).containsExactly("received 5", "replied 2 5", "received 1", "replied 1 1");

    ((HalfClosingChannel) channel).clientEndsInput();
    assertThat(channel.isOpen()).isFalse();
    assertThat(events.seen).endsWith("closed PEER_CLOSED");
    assertThat(limits.stats().closed(CloseReason.PEER_CLOSED)).isEqualTo(1);
    ILoggingEvent line = closedLine();
    assertThat(line.getFormattedMessage().replaceAll(DURATION, "duration=0ms")).isEqualTo(
        "closed echo/tcp peer=192.168.0.1:56324 local=127.0.0.1:21566 in=6B out=6B messages=3 duration=0ms "
            + "reason=peer closed");
    assertThat(line.getKeyValuePairs()).extracting(kv -> kv.key).containsExactly("service", "protocol", "peer", "local",
        "in", "out", "messages", "duration", "reason");
    assertThat(line.getKeyValuePairs()).filteredOn(kv -> !kv.key.equals("duration"))
        .extracting(kv -> kv.key + "=" + kv.value).containsExactly("service=echo", "protocol=tcp",
            "peer=192.168.0.1:56324", "local=127.0.0.1:21566", "in=6", "out=6", "messages=3", "reason=peer closed");
  }

  @Test
  void theLineNamesTheProxyAndTheTlsSessionWhenThereAreSome() {
    HalfClosingChannel c = halfClosing();
    Peer.learn(c).proxied(CLIENT, PROXY);
    Peer.learn(c).tls("TLSv1.3/TLS_AES_128_GCM_SHA256", "CN=client");
    c.pipeline().addLast(PipelineNames.TLS, new ChannelInboundHandlerAdapter());
    c.pipeline().addLast(PipelineNames.SERVICE, stamp(b -> b));
    c.writeInbound(bytes("hi\n"));
    assertThat(Replies.written(channel)).isEqualTo(P + "hi\n");
    c.close();
    ILoggingEvent line = closedLine();
    assertThat(line.getFormattedMessage().replaceAll(DURATION, "duration=0ms")).isEqualTo(
        "closed stamp/tls peer=192.168.0.1:56324 via=127.0.0.1:40000 local=127.0.0.1:21566 "
            + "tls=TLSv1.3/TLS_AES_128_GCM_SHA256 subject=\"CN=client\" in=3B out=30B messages=1 duration=0ms "
            + "reason=closed");
    assertThat(line.getKeyValuePairs()).extracting(kv -> kv.key).containsExactly("service", "protocol", "peer", "via",
        "local", "tls", "subject", "in", "out", "messages", "duration", "reason");
    assertThat(line.getKeyValuePairs()).extracting(kv -> String.valueOf(kv.value)).contains("tls", "127.0.0.1:40000",
        "TLSv1.3/TLS_AES_128_GCM_SHA256", "CN=client");
    assertThat(events.seen).endsWith("closed CLOSED");
  }

  @Test
  void aTlsSessionWithoutAClientCertificateHasNoSubject() {
    HalfClosingChannel c = halfClosing();
    Peer.learn(c).tls("TLSv1.3/TLS_AES_128_GCM_SHA256", null);
    c.pipeline().addLast(PipelineNames.SERVICE, new EchoHandler(settings(Service.ECHO, b -> b)));
    c.close();
    assertThat(closedLine().getFormattedMessage()).contains(
        "closed echo/tcp peer=192.168.0.1:56324 local=127.0.0.1:21566 tls=TLSv1.3/TLS_AES_128_GCM_SHA256 in=0B");
    assertThat(closedLine().getKeyValuePairs()).extracting(kv -> kv.key).doesNotContain("subject", "via");
  }

  @Test
  void aSocketErrorIsTheReasonInPlainWordsAndLoggedNowhereElse() {
    halfClosing(new EchoHandler(settings(Service.ECHO, b -> b)));
    channel.pipeline().fireExceptionCaught(new IOException("recvAddress(..) failed with error(-104): Connection reset by peer"));
    assertThat(channel.isOpen()).isFalse();
    assertThat(closedLine().getFormattedMessage()).endsWith("reason=error: connection reset by peer");
    assertThat(logged(Level.WARN)).isEmpty();
    assertThat(limits.stats().closed(CloseReason.ERROR)).isEqualTo(1);
  }

  @Test
  void anUnexpectedErrorIsAWarningAndTheReason() {
    halfClosing(new EchoHandler(settings(Service.ECHO, b -> b)));
    channel.pipeline().fireExceptionCaught(new IllegalStateException("boom"));
    assertThat(channel.isOpen()).isFalse();
    assertThat(logged(Level.WARN)).containsExactly("unexpected error on 192.168.0.1:56324: java.lang.IllegalStateException: boom");
    assertThat(closedLine().getFormattedMessage()).endsWith("reason=internal error: java.lang.IllegalStateException: boom");
  }

  @Test
  void aFaultThatEndsTheConnectionIsItsReason() {
    halfClosing(new EchoHandler(settings(Service.ECHO, b -> b)));
    channel.pipeline().fireUserEventTriggered(new TcpFaultHandler.FaultClose(Fault.Kind.RESET));
    channel.close();
    assertThat(closedLine().getFormattedMessage()).endsWith("reason=fault reset");
    assertThat(limits.stats().closed(CloseReason.FAULT)).isEqualTo(1);
    assertThat(events.seen).containsExactly("closed FAULT");
  }

  @Test
  void afterItsErrorLineTheServerHalfClosesAndDropsInputUntilTheClientEndsIts() {
    HalfClosingChannel c = halfClosing(stamp(b -> b.framing(Framing.LINE).maxLine(8)));
    c.writeInbound(bytes("ok\n123456789"));
    assertThat(Replies.written(channel)).isEqualTo(P + "ok\n" + "tsecho error: line too long (more than 8 bytes without a newline); closing\n");
    assertThat(c.isOutputShutdown()).as("the error line is the last thing sent").isTrue();
    assertThat(c.isOpen()).as("open until the client has read it and closed its side").isTrue();
    assertThat(limits.budget().used()).as("the dropped line goes back to the budget at once").isZero();
    c.writeInbound(bytes("more\n"));
    assertThat(Replies.written(channel)).as("not answered").isEmpty();
    c.clientEndsInput();
    assertThat(c.isOpen()).isFalse();
    assertThat(limits.stats().closed(CloseReason.LINE_TOO_LONG)).isEqualTo(1);
    assertThat(closedLine().getFormattedMessage()).contains("in=12B out=30B messages=1").endsWith("reason=line too long");
  }

  @Test
  void aClientThatNeverEndsItsInputAfterTheErrorLineIsClosedAfterTheCloseTimeout() {
    for (Duration writeTimeout : new Duration[] {Duration.ZERO, Duration.ofSeconds(60)}) {
      HalfClosingChannel c = halfClosing(stamp(b -> b.framing(Framing.LINE).maxLine(8).writeTimeout(writeTimeout)));
      c.writeInbound(bytes("123456789"));
      assertThat(c.isOutputShutdown()).isTrue();
      advance(TcpServiceHandler.CLOSE_TIMEOUT_MILLIS - 1);
      assertThat(c.isOpen()).as("write time-out %s", writeTimeout).isTrue();
      advance(1);
      assertThat(c.isOpen()).as("write time-out %s", writeTimeout).isFalse();
      assertThat(limits.stats().closed(CloseReason.LINE_TOO_LONG)).isEqualTo(1);
      c.finishAndReleaseAll();
    }
  }

  @Test
  void whenTheServerStopsAConnectionGetsItsLastReplyAndASecondToClose() {
    HalfClosingChannel c = halfClosing(stamp(b -> b.partialDelay(Duration.ofSeconds(5))));
    c.writeInbound(bytes("half"));
    assertThat(Replies.written(channel)).isEmpty();
    c.pipeline().fireUserEventTriggered(ServerShutdown.INSTANCE);
    assertThat(Replies.written(channel)).isEqualTo(P + "half");
    assertThat(c.isOutputShutdown()).isTrue();
    advance(TcpServiceHandler.SHUTDOWN_CLOSE_TIMEOUT_MILLIS - 1);
    assertThat(c.isOpen()).isTrue();
    advance(1);
    assertThat(c.isOpen()).isFalse();
    assertThat(closedLine().getFormattedMessage()).endsWith("reason=server shutdown");
    assertThat(limits.stats().closed(CloseReason.SERVER_SHUTDOWN)).isEqualTo(1);
  }

  @Test
  void aClientThatEndsItsInputAfterTheLastReplyIsClosedAtOnce() {
    HalfClosingChannel c = halfClosing(stamp(b -> b));
    c.pipeline().fireUserEventTriggered(ServerShutdown.INSTANCE);
    assertThat(c.isOutputShutdown()).isTrue();
    c.pipeline().fireUserEventTriggered(ServerShutdown.INSTANCE); // a second stop changes nothing
    c.clientEndsInput();
    assertThat(c.isOpen()).isFalse();
    assertThat(limits.stats().closed(CloseReason.SERVER_SHUTDOWN)).isEqualTo(1);
  }

  @Test
  void daytimeSpeaksFirstOnceAndClosesAsServed() {
    byte[] greeting = "Tuesday, January 9, 2018 21:14:00-UTC\r\n".getBytes(ISO_8859_1);
    HalfClosingChannel c = halfClosing(new GreetingHandler(settings(Service.DAYTIME, b -> b), () -> greeting));
    assertThat(Replies.written(channel)).isEqualTo("Tuesday, January 9, 2018 21:14:00-UTC\r\n");
    assertThat(c.isOutputShutdown()).isTrue();
    c.writeInbound(bytes("ignored\n"));
    assertThat(Replies.written(channel)).isEmpty();
    c.clientEndsInput();
    assertThat(c.isOpen()).isFalse();
    assertThat(limits.stats().closed(CloseReason.SERVED)).isEqualTo(1);
    assertThat(events.seen).as("what a closing connection sends is not counted as read")
        .containsExactly("replied 1 39", "closed SERVED");
    assertThat(closedLine().getFormattedMessage()).contains("closed daytime/tcp ").contains("in=0B out=39B messages=1")
        .endsWith("reason=served");
  }

  @Test
  void aGreetingClientThatNeverClosesIsClosedAfterTheCloseTimeout() {
    HalfClosingChannel c = halfClosing(new GreetingHandler(settings(Service.TIME, b -> b), () -> new byte[4]));
    assertThat(Replies.written(channel)).hasSize(4);
    advance(TcpServiceHandler.CLOSE_TIMEOUT_MILLIS - 1);
    assertThat(c.isOpen()).isTrue();
    advance(1);
    assertThat(c.isOpen()).isFalse();
    assertThat(limits.stats().closed(CloseReason.SERVED)).isEqualTo(1);
  }

  @Test
  void aServicePutInPlaceAfterTheConnectionOpenedStartsServingThen() {
    HalfClosingChannel c = halfClosing();
    byte[] greeting = "now\r\n".getBytes(ISO_8859_1);
    c.pipeline().addLast(PipelineNames.SERVICE, new GreetingHandler(settings(Service.DAYTIME, b -> b), () -> greeting));
    assertThat(Replies.written(channel)).isEqualTo("now\r\n");
    c.pipeline().fireChannelActive(); // a second activation does not greet twice
    assertThat(Replies.written(channel)).isEmpty();
  }

  /** What a listener's events were told, in order. */
  private static final class RecordingEvents implements ListenerEvents {
    final List<String> seen = new ArrayList<>();

    @Override
    public void received(EventLoop loop, long bytes) {
      seen.add("received " + bytes);
    }

    @Override
    public void replied(EventLoop loop, long replies, long bytes) {
      seen.add("replied " + replies + " " + bytes);
    }

    @Override
    public void closed(EventLoop loop, CloseReason reason) {
      seen.add("closed " + reason);
    }
  }
}
