package io.tsecho.internal.server;

import static io.tsecho.testing.Replies.payload;
import static io.tsecho.testing.Replies.readLine;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.EventLoop;
import io.tsecho.config.AccessRules;
import io.tsecho.config.Cidr;
import io.tsecho.config.ProxySettings;
import io.tsecho.config.ProxySettings.Mode;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import io.tsecho.internal.net.ProxyHeader;
import io.tsecho.internal.net.ProxyHeader.Version;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** PROXY headers over real loopback sockets, written with the client's encoder: every transport's pipeline. */
class ProxyProtocolIT {
  private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.1", 5555);

  private final Counts counts = new Counts();
  private final Logger connectionsLog = (Logger) LoggerFactory.getLogger("io.tsecho.connections");
  private final ListAppender<ILoggingEvent> closedLines = new ListAppender<>();
  private TsechoServer server;

  private Level connectionsLevel;

  @BeforeEach
  void captureConnectionLines() {
    closedLines.list = new CopyOnWriteArrayList<>(); // appended to on the event loops
    closedLines.start();
    connectionsLevel = connectionsLog.getLevel();
    connectionsLog.setLevel(Level.INFO);
    connectionsLog.setAdditive(false);
    connectionsLog.addAppender(closedLines);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    connectionsLog.detachAppender(closedLines);
    connectionsLog.setAdditive(true);
    connectionsLog.setLevel(connectionsLevel);
  }

  private void start(Transport transport, Mode mode, UnaryOperator<ServerConfig.Builder> more) throws IOException {
    ServerConfig.Builder builder = ServerConfig.builder().host("127.0.0.1").port(0).transport(transport).threads(2)
        .proxy(new ProxySettings(mode, ProxySettings.LOOPBACK, Duration.ofMillis(300)));
    server = TsechoServer.start(more.apply(builder).build(), Clock.systemUTC(), listener -> counts);
  }

  private void start(Mode mode) throws IOException {
    start(Transport.AUTO, mode, b -> b);
  }

  private Socket connect(String from) throws IOException {
    Socket s = new Socket();
    s.setSoTimeout(10_000);
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()), 5_000);
    return s;
  }

  private static byte[] concat(byte[] header, String data) {
    return V2Headers.concat(header, data.getBytes(ISO_8859_1));
  }

  private InetSocketAddress serverAddress() {
    return server.localAddress();
  }

  /** What a refused client reads: nothing, then the end (or a reset, if it had sent bytes the server never read). */
  private static int bytesUntilClosed(InputStream in) {
    try {
      return in.readAllBytes().length;
    } catch (IOException reset) {
      return 0;
    }
  }

  @Test
  void theHeadersClientIsThePeerInTheConnectionsLogLineOnEveryTransport() throws Exception {
    for (Transport transport : List.of(Transport.NIO, Transport.AUTO)) {
      start(transport, Mode.REQUIRED, b -> b);
      for (Version version : Version.values()) {
        closedLines.list.clear();
        int proxyPort;
        try (Socket s = connect("127.0.0.1")) {
          proxyPort = s.getLocalPort();
          s.getOutputStream().write(concat(ProxyHeader.tcp(version, CLIENT, serverAddress()), "hello\n"));
          assertThat(payload(readLine(s.getInputStream()))).isEqualTo("hello\n");
        }
        awaitClosedLines(1);
        assertThat(closedLines.list.get(0).getFormattedMessage())
            .startsWith("closed stamp/tcp peer=192.0.2.1:5555 via=127.0.0.1:" + proxyPort + " local=127.0.0.1:")
            .contains(" in=6B ");
      }
      server.close();
    }
    assertThat(counts.accepted.get()).isEqualTo(4);
    assertThat(counts.refused.get()).isZero();
  }

  @Test
  void requiredClosesAConnectionWithoutAHeaderAndSendsNothing() throws Exception {
    start(Mode.REQUIRED);
    try (Socket s = connect("127.0.0.1")) {
      s.getOutputStream().write("hello\n".getBytes(ISO_8859_1));
      assertThat(bytesUntilClosed(s.getInputStream())).isZero();
    }
    awaitCount(counts.refused, 1);
    assertThat(counts.rejected.get()).isEqualTo(1);
    assertThat(counts.accepted.get()).isZero();
  }

  @Test
  void requiredClosesASourceNotAllowedToSendAHeaderBeforeReadingAnything() throws Exception {
    start(Transport.AUTO, Mode.REQUIRED, b -> b.proxy(
        new ProxySettings(Mode.REQUIRED, List.of(Cidr.parse("127.0.0.2/32")), Duration.ofSeconds(3))));
    try (Socket s = connect("127.0.0.3")) {
      assertThat(bytesUntilClosed(s.getInputStream())).isZero();
    }
    try (Socket s = connect("127.0.0.2")) {
      s.getOutputStream().write(concat(ProxyHeader.tcp(Version.V1, CLIENT, serverAddress()), "ok\n"));
      assertThat(payload(readLine(s.getInputStream()))).isEqualTo("ok\n");
    }
    assertThat(counts.refused.get()).isEqualTo(1);
  }

  @Test
  void optionalServesAGreetingServiceToASilentClientOnceTheTimeIsUp() throws Exception {
    start(Transport.AUTO, Mode.OPTIONAL, b -> b.service(Service.DAYTIME));
    try (Socket s = connect("127.0.0.1")) {
      String line = readLine(s.getInputStream());
      assertThat(line).matches("\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\r\n");
    }
    try (Socket s = connect("127.0.0.1")) {
      s.getOutputStream().write(ProxyHeader.tcp(Version.V2, CLIENT, serverAddress()));
      assertThat(readLine(s.getInputStream())).endsWith("\r\n");
    }
    awaitClosedLines(2);
    assertThat(closedLines.list).extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(line -> line.startsWith("closed daytime/tcp peer=192.0.2.1:5555 via=127.0.0.1:"))
        .anyMatch(line -> line.startsWith("closed daytime/tcp peer=127.0.0.1:") && !line.contains("via="));
  }

  @Test
  void accessControlAndPerSourceLimitsJudgeTheHeadersClient() throws Exception {
    start(Transport.AUTO, Mode.REQUIRED, b -> b.access(
        new AccessRules(List.of(), List.of(Cidr.parse("198.51.100.0/24")), 1)));
    try (Socket denied = connect("127.0.0.1")) {
      denied.getOutputStream().write(concat(
          ProxyHeader.tcp(Version.V2, new InetSocketAddress("198.51.100.7", 1000), serverAddress()), "hi\n"));
      assertThat(bytesUntilClosed(denied.getInputStream())).isZero();
    }
    try (Socket first = connect("127.0.0.1"); Socket second = connect("127.0.0.1")) {
      first.getOutputStream().write(concat(ProxyHeader.tcp(Version.V2, new InetSocketAddress("192.0.2.7", 1000), serverAddress()), "one\n"));
      assertThat(payload(readLine(first.getInputStream()))).isEqualTo("one\n");
      second.getOutputStream().write(concat(ProxyHeader.tcp(Version.V2, new InetSocketAddress("192.0.2.7", 1001), serverAddress()), "two\n"));
      assertThat(readLine(second.getInputStream()))
          .isEqualTo("tsecho error: too many connections from your address (limit 1); closing\n");
      try (Socket other = connect("127.0.0.1")) {
        other.getOutputStream().write(concat(ProxyHeader.tcp(Version.V2, new InetSocketAddress("192.0.2.8", 1000), serverAddress()), "three\n"));
        assertThat(payload(readLine(other.getInputStream()))).as("another client behind the same proxy").isEqualTo("three\n");
      }
    }
    assertThat(counts.refusals(ListenerEvents.Refusal.ACCESS_DENIED)).isEqualTo(1);
    assertThat(counts.refusals(ListenerEvents.Refusal.TOO_MANY_FROM_SOURCE)).isEqualTo(1);
  }

  private void awaitClosedLines(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (closedLines.list.size() < n && System.nanoTime() - deadline < 0) {
      Thread.sleep(10);
    }
    assertThat(closedLines.list).hasSize(n);
  }

  private static void awaitCount(AtomicInteger count, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (count.get() < n && System.nanoTime() - deadline < 0) {
      Thread.sleep(10);
    }
    assertThat(count.get()).isEqualTo(n);
  }

  /** The events of every listener, counted across event loops. */
  private static final class Counts implements ListenerEvents {
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger[] byReason = new AtomicInteger[Refusal.values().length];

    Counts() {
      for (int i = 0; i < byReason.length; i++) {
        byReason[i] = new AtomicInteger();
      }
    }

    int refusals(Refusal reason) {
      return byReason[reason.ordinal()].get();
    }

    @Override
    public void proxyHeader(EventLoop loop, boolean ok) {
      (ok ? accepted : rejected).incrementAndGet();
    }

    @Override
    public void refused(EventLoop loop, Refusal refusal) {
      byReason[refusal.ordinal()].incrementAndGet();
      if (refusal == Refusal.PROXY_HEADER) {
        refused.incrementAndGet();
      }
    }
  }
}
