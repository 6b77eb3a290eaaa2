package io.tsecho.internal.server;

import static io.tsecho.testing.Replies.payload;
import static io.tsecho.testing.Replies.readLine;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.tsecho.config.Listener;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.TlsSettings;
import io.tsecho.config.Transport;
import io.tsecho.internal.metrics.ServerMetrics;
import io.tsecho.internal.tls.TlsIdentity;
import io.tsecho.testing.Await;
import io.tsecho.testing.TestPki;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/** A tls listener on loopback, spoken to by the JDK's own SSLSocket: TLS 1.3 and 1.2, mutual TLS, and the bounds. */
class TlsServerIT {
  /** As for plain TCP (HostileClientsIT), plus the TLS records' own bytes: at most 256 bytes per 16 KiB record. */
  private static final long QUEUED_BOUND = (256 + 16 + 4 + 5) * 1024;

  @TempDir Path dir;

  private final Logger connectionsLog = (Logger) LoggerFactory.getLogger("io.tsecho.connections");
  private final ListAppender<ILoggingEvent> logLines = new ListAppender<>();
  private Level level;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final Refusals refusals = new Refusals();
  private TsechoServer server;

  /** Refusals of every listener, counted from any event loop. */
  private static final class Refusals implements ListenerEvents {
    final AtomicInteger tlsHandshake = new AtomicInteger();
    final AtomicInteger handshakesOk = new AtomicInteger();
    final AtomicInteger handshakesFailed = new AtomicInteger();

    @Override
    public void refused(EventLoop loop, Refusal refusal) {
      if (refusal == Refusal.TLS_HANDSHAKE) {
        tlsHandshake.incrementAndGet();
      }
    }

    @Override
    public void tlsHandshake(EventLoop loop, boolean succeeded) {
      (succeeded ? handshakesOk : handshakesFailed).incrementAndGet();
    }
  }

  @BeforeEach
  void watchTheLog() {
    level = connectionsLog.getLevel();
    connectionsLog.setLevel(Level.INFO);
    logLines.list = new CopyOnWriteArrayList<>(); // appended to on the event loops, read here
    logLines.start();
    connectionsLog.addAppender(logLines);
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    if (server != null) {
      server.close();
    }
    connectionsLog.detachAppender(logLines);
    connectionsLog.setLevel(level);
  }

  private int start(TlsSettings tls, UnaryOperator<ServerConfig.Builder> more) throws Exception {
    ServerConfig config = more.apply(ServerConfig.builder().listen(Listener.parse("stamp/tls/127.0.0.1:0"))
        .transport(Transport.AUTO).threads(2).tls(tls)).build();
    server = TsechoServer.start(config, Clock.systemUTC(), listener -> refusals);
    return server.localAddress().getPort();
  }

  private int start(TlsSettings tls) throws Exception {
    return start(tls, b -> b);
  }

  /** A client context that trusts {@code ca} and shows {@code certificate} when it is not null. */
  private static SSLContext client(X509Certificate ca, TestPki.Issued certificate) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("ca", ca);
    TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
    trust.init(trusted);
    KeyManagerFactory keys = null;
    if (certificate != null) {
      KeyStore own = KeyStore.getInstance("PKCS12");
      own.load(null, null);
      own.setKeyEntry("me", certificate.key(), "pw".toCharArray(), new X509Certificate[] {certificate.certificate()});
      keys = KeyManagerFactory.getInstance("PKIX");
      keys.init(own, "pw".toCharArray());
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }

  /** Connects to 127.0.0.1, checks the server's certificate for {@code name}, and completes the handshake. */
  private static SSLSocket connect(SSLContext context, int port, String protocol, String name) throws IOException {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, name, port, true);
    socket.setSoTimeout(20_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setProtocols(new String[] {protocol});
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  private static SSLSocket connect(SSLContext context, int port) throws IOException {
    return connect(context, port, "TLSv1.3", "localhost");
  }

  /** One line and its reply; null when the server refused, whichever way the refusal shows on this side. */
  private static String exchangeOrNull(SSLContext context, int port) {
    try (SSLSocket socket = connect(context, port)) {
      socket.getOutputStream().write("who\n".getBytes(ISO_8859_1));
      return readLine(socket.getInputStream());
    } catch (IOException refused) { // SSLException, a reset, or the handshake's own failure
      return null;
    }
  }

  private List<String> logged() {
    return logLines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private String closeLine() throws Exception {
    Await.until("the connection's closed line is logged",
        () -> logged().stream().anyMatch(l -> l.startsWith("closed ")));
    return logged().stream().filter(l -> l.startsWith("closed ")).findFirst().orElseThrow();
  }

  @ParameterizedTest
  @CsvSource({"TLSv1.3, JDK", "TLSv1.2, JDK", "TLSv1.3, OPENSSL", "TLSv1.2, OPENSSL"})
  void aLineGetsItsStampedReplyOverTls(String protocol, TlsSettings.Engine engine) throws Exception {
    TestPki.Ca ca = TestPki.ca("Test Root", dir);
    TestPki.Issued cert = ca.issue("server.test");
    int port = start(new TlsSettings(cert.certificateFile(), cert.keyFile(), false, null, engine));

    try (SSLSocket socket = connect(client(ca.certificate(), null), port, protocol, "localhost")) {
      assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
      socket.getOutputStream().write("hello\n".getBytes(ISO_8859_1));
      assertThat(payload(readLine(socket.getInputStream()))).isEqualTo("hello\n");
      socket.getOutputStream().write("two\nthree\n".getBytes(ISO_8859_1));
      assertThat(payload(readLine(socket.getInputStream()))).isEqualTo("two\n");
      assertThat(payload(readLine(socket.getInputStream()))).isEqualTo("three\n");
    }
    assertThat(closeLine()).matches("closed stamp/tls peer=127\\.0\\.0\\.1:\\d+ local=127\\.0\\.0\\.1:" + port
        + " tls=" + protocol.replace(".", "\\.") + "/TLS_\\w+ in=16B out=97B messages=3 duration=\\d+ms reason=peer closed");
    assertThat(refusals.handshakesOk.get()).isEqualTo(1);
  }

  @Test
  void theSelfSignedCertificateIsTheOneInTheListeningLineAndNamesEveryLoopbackAddress() throws Exception {
    ServerConfig config = ServerConfig.builder().listen(Listener.parse("stamp/tls/*:0")).threads(2)
        .tls(new TlsSettings(null, null, true, null)).build();
    server = TsechoServer.start(config, Clock.systemUTC());
    int port = server.localAddress().getPort();
    Matcher m = Pattern.compile("tls self-signed, sha256 ([0-9A-F:]{95}), ").matcher(server.listeningLines().get(0));
    assertThat(m.find()).as(server.listeningLines().get(0)).isTrue();

    assertThatThrownBy(() -> connect(SSLContext.getDefault(), port, "TLSv1.3", "localhost"))
        .as("the JDK's CAs do not trust it").isInstanceOf(SSLException.class);
    X509Certificate served;
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    try (SSLSocket socket = connect(trustAll, port, "TLSv1.3", "localhost")) {
      served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
    assertThat(TlsIdentity.fingerprint(served)).isEqualTo(m.group(1));

    SSLContext pinned = client(served, null); // the certificate as its own trust anchor
    for (String name : new String[] {"localhost", "127.0.0.1"}) {
      try (SSLSocket socket = connect(pinned, port, "TLSv1.3", name)) {
        socket.getOutputStream().write("x\n".getBytes(ISO_8859_1));
        assertThat(payload(readLine(socket.getInputStream()))).as(name).isEqualTo("x\n");
      }
    }
    try (Socket plain = new Socket("::1", port);
        SSLSocket socket = (SSLSocket) pinned.getSocketFactory().createSocket(plain, "::1", port, true)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(20_000);
      socket.startHandshake(); // throws if ::1 were not among the names
    }
  }

  @ParameterizedTest
  @EnumSource(TlsSettings.Engine.class)
  void mutualTlsServesAClientWithACertificateOfTheCaAndLogsItsSubject(TlsSettings.Engine engine) throws Exception {
    TestPki.Ca serverCa = TestPki.ca("Server Root", dir);
    TestPki.Issued cert = serverCa.issue("server.test");
    TestPki.Ca clientCa = TestPki.ca("Client Root", dir, "RSA");
    TestPki.Issued alice = clientCa.issue("client one", java.time.Instant.now().minusSeconds(60),
        java.time.Instant.now().plusSeconds(3600), "RSA");
    int port = start(new TlsSettings(cert.certificateFile(), cert.keyFile(), false, clientCa.file(), engine));

    try (SSLSocket socket = connect(client(serverCa.certificate(), alice), port)) {
      socket.getOutputStream().write("hi\n".getBytes(ISO_8859_1));
      assertThat(payload(readLine(socket.getInputStream()))).isEqualTo("hi\n");
    }
    assertThat(closeLine()).matches("closed stamp/tls peer=127\\.0\\.0\\.1:\\d+ local=127\\.0\\.0\\.1:\\d+"
        + " tls=TLSv1\\.3/TLS_\\w+ subject=\"CN=client one\" in=3B out=30B messages=1 duration=\\d+ms reason=peer closed");
  }

  @ParameterizedTest
  @EnumSource(TlsSettings.Engine.class)
  void mutualTlsRefusesAClientWithoutACertificateOrWithAnotherCasAndGoesOnServing(TlsSettings.Engine engine)
      throws Exception {
    TestPki.Ca serverCa = TestPki.ca("Server Root", dir);
    TestPki.Issued cert = serverCa.issue("server.test");
    TestPki.Ca clientCa = TestPki.ca("Client Root", dir);
    TestPki.Ca strangers = TestPki.ca("Stranger Root", dir);
    TestPki.Issued mallory = strangers.issue("mallory");
    TestPki.Issued bob = clientCa.issue("bob");
    int port = start(new TlsSettings(cert.certificateFile(), cert.keyFile(), false, clientCa.file(), engine));

    assertThat(exchangeOrNull(client(serverCa.certificate(), null), port)).as("no certificate").isNull();
    assertThat(exchangeOrNull(client(serverCa.certificate(), mallory), port)).as("another CA's").isNull();
    assertThat(payload(exchangeOrNull(client(serverCa.certificate(), bob), port))).isEqualTo("who\n");

    Await.until("two failed handshakes are counted", () -> refusals.tlsHandshake.get() == 2);
    assertThat(refusals.handshakesOk.get()).isEqualTo(1);
    assertThat(logged()).contains("1 TLS handshakes failed in the last 10 s (latest: from 127.0.0.1:"
        + logged().stream().filter(l -> l.contains("handshakes failed")).findFirst().orElseThrow()
            .replaceAll(".*from 127\\.0\\.0\\.1:(\\d+).*", "$1") + ": no client certificate)");
    assertThat(closeLine()).contains("subject=\"CN=bob\"");
    assertThat(logged().stream().filter(l -> l.startsWith("closed "))).hasSize(1);
  }

  /** The daytime greeting waits for the handshake, and the close after it starts with close_notify. */
  @Test
  void aDaytimeGreetingIsSentOverTlsAndEndsCleanly() throws Exception {
    ServerConfig config = ServerConfig.builder().listen(Listener.parse("daytime/tls/127.0.0.1:0")).threads(2)
        .tls(new TlsSettings(null, null, true, null)).build();
    server = TsechoServer.start(config, Clock.systemUTC(), listener -> refusals);
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    try (SSLSocket socket = connect(trustAll, server.localAddress().getPort())) {
      String greeting = new String(socket.getInputStream().readAllBytes(), ISO_8859_1);
      assertThat(greeting).matches("\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\r\n");
    }
    assertThat(closeLine()).matches("closed daytime/tls peer=127\\.0\\.0\\.1:\\d+ local=127\\.0\\.0\\.1:\\d+"
        + " tls=TLSv1\\.3/TLS_\\w+ in=0B out=26B messages=1 duration=\\d+ms reason=served");
  }

  @Test
  void aConnectionStillInItsHandshakeWhenTheServerStopsIsClosedWithoutAFailure() throws Exception {
    int port = start(new TlsSettings(null, null, true, null));
    try (Socket silent = new Socket()) {
      silent.setSoTimeout(20_000);
      silent.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      Await.until("one connection is open", () -> server.openConnections() == 1);

      server.close();

      assertThat(silent.getInputStream().read()).as("closed, without a byte").isEqualTo(-1);
    }
    assertThat(server.openConnections()).isZero();
    assertThat(refusals.handshakesFailed).hasValue(0);
    assertThat(refusals.tlsHandshake).hasValue(0);
    assertThat(logged()).noneMatch(l -> l.contains("TLS handshakes failed"));
  }

  /** The gate's handshakes reach /metrics: one served, one not TLS, and one the server's stop cut short, which is neither. */
  @Test
  void theMetricsCountHandshakesThatSucceededAndFailed() throws Exception {
    ServerConfig config = ServerConfig.builder().listen(Listener.parse("stamp/tls/127.0.0.1:0")).threads(2)
        .tls(new TlsSettings(null, null, true, null)).build();
    ServerMetrics metrics = new ServerMetrics(config);
    server = TsechoServer.start(config, Clock.systemUTC(), metrics);
    int port = server.localAddress().getPort();
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    assertThat(payload(exchangeOrNull(trustAll, port))).isEqualTo("who\n");
    try (Socket plain = new Socket("127.0.0.1", port)) {
      plain.setSoTimeout(20_000);
      plain.getOutputStream().write("not tls\n".getBytes(ISO_8859_1));
      readUntilClosed(plain.getInputStream());
    }
    String labels = "{address=\"127.0.0.1:" + port + "\",protocol=\"tls\",result=\"%s\",service=\"stamp\"} %s\n";
    Await.until("the failed handshake is counted in /metrics",
        () -> scrape(metrics).contains("tsecho_tls_handshakes_total" + labels.formatted("failed", "1.0")));
    try (Socket silent = new Socket("127.0.0.1", port)) {
      Await.until("one connection is open", () -> server.openConnections() == 1);
      server.close();
    }
    assertThat(scrape(metrics)).contains("tsecho_tls_handshakes_total" + labels.formatted("succeeded", "1.0"),
        "tsecho_tls_handshakes_total" + labels.formatted("failed", "1.0"));
  }

  private static String scrape(ServerMetrics metrics) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, metrics.collect());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aPlainTcpClientOnTheTlsPortIsClosedWithoutAReply() throws Exception {
    int port = start(new TlsSettings(null, null, true, null));
    try (Socket plain = new Socket("127.0.0.1", port)) {
      plain.setSoTimeout(20_000);
      plain.getOutputStream().write("hello\n".getBytes(ISO_8859_1));
      byte[] answer = readUntilClosed(plain.getInputStream());
      assertThat(new String(answer, ISO_8859_1)).doesNotContain("hello");
    }
    Await.until("one failed handshake is counted", () -> refusals.tlsHandshake.get() == 1);
  }

  /** What arrives until the peer closes or resets. */
  private static byte[] readUntilClosed(InputStream in) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (IOException reset) {
      // closed with a reset: what came before it counts
    }
    return out.toByteArray();
  }

  @Test
  void anErrorLineReachesAJdkClientAndThenACleanEnd() throws Exception {
    int port = start(new TlsSettings(null, null, true, null), b -> b.maxLine(16));
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    try (SSLSocket socket = connect(trustAll, port)) {
      socket.getOutputStream().write("ok\n0123456789abcdefXYZ\n".getBytes(ISO_8859_1));
      InputStream in = socket.getInputStream();
      assertThat(payload(readLine(in))).isEqualTo("ok\n");
      assertThat(readLine(in)).isEqualTo("tsecho error: line too long (more than 16 bytes without a newline); closing\n");
      assertThat(in.read()).as("the end").isEqualTo(-1);
    }
    assertThat(closeLine()).endsWith("reason=line too long");
  }

  /** The half-close after an error line is a close_notify first: a client that tells a cut from an end sees an end. */
  @Test
  void theHalfCloseAfterAnErrorLineStartsWithCloseNotify() throws Exception {
    int port = start(new TlsSettings(null, null, true, null), b -> b.maxLine(16));
    SslContext context = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
        .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      StringBuffer received = new StringBuffer();
      CompletableFuture<Boolean> closeNotifyBeforeEnd = new CompletableFuture<>();
      Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              SslHandler tls = context.newHandler(ch.alloc(), "localhost", port);
              ch.pipeline().addLast(tls, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                  received.append(((ByteBuf) msg).toString(ISO_8859_1));
                  ((ByteBuf) msg).release();
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                  closeNotifyBeforeEnd.complete(tls.sslCloseFuture().isSuccess());
                }
              });
            }
          })
          .connect("127.0.0.1", port).sync().channel();
      channel.writeAndFlush(Unpooled.copiedBuffer("ok\n0123456789abcdefXYZ\n", ISO_8859_1));
      assertThat(closeNotifyBeforeEnd.get(20, TimeUnit.SECONDS)).as("close_notify came before the end").isTrue();
      assertThat(payload(received.toString().substring(0, received.indexOf("\n") + 1))).isEqualTo("ok\n");
      assertThat(received.substring(received.indexOf("\n") + 1))
          .isEqualTo("tsecho error: line too long (more than 16 bytes without a newline); closing\n");
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** The service's backpressure holds with TLS between it and the socket: the server stops reading a client that does not read. */
  @ParameterizedTest
  @EnumSource(TlsSettings.Engine.class)
  void aClientThatStopsReadingIsHeldWithinTheBoundAndGetsEveryReplyOnceItReads(TlsSettings.Engine engine) throws Exception {
    int lines = 100_000;
    byte[] line = ("r".repeat(99) + "\n").getBytes(ISO_8859_1);
    byte[] chunk = new byte[line.length * 100];
    for (int i = 0; i < 100; i++) {
      System.arraycopy(line, 0, chunk, i * line.length, line.length);
    }
    TestPki.Ca ca = TestPki.ca("Test Root", dir);
    TestPki.Issued cert = ca.issue("server.test");
    // Every socket buffer fixed: the kernel's autotuning would otherwise let it hold megabytes of
    // the client's lines after the server stops reading.
    int port = start(new TlsSettings(cert.certificateFile(), cert.keyFile(), false, null, engine),
        b -> b.receiveBufferSize(64 * 1024).sendBufferSize(64 * 1024));
    Socket plain = new Socket();
    plain.setReceiveBufferSize(64 * 1024);
    plain.setSendBufferSize(64 * 1024);
    plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    SSLSocket socket = (SSLSocket) client(ca.certificate(), null).getSocketFactory().createSocket(plain, "localhost", port, true);
    socket.setSoTimeout(20_000);
    try (socket) {
      socket.startHandshake();
      AtomicLong written = new AtomicLong();
      Future<?> writer = pool.submit(() -> {
        OutputStream out = socket.getOutputStream();
        for (int i = 0; i < lines / 100; i++) {
          out.write(chunk);
          written.addAndGet(chunk.length);
        }
        return null;
      });
      awaitStall(written);
      assertThat(writer.isDone()).as("the server stopped reading this client").isFalse();
      assertThat(written.get()).as("it stopped long before the end").isLessThan((long) lines * line.length / 2);
      // a stall can also be a starved thread: wait for the queue to reach the bound, then check it held
      ConnectionStats stats = server.connectionStats();
      Await.until("the client pushed its replies past the high water mark",
          () -> stats.peakQueuedPerConnection() > TsechoServer.WATER_MARK.high());
      assertThat(stats.peakQueuedPerConnection()).isLessThanOrEqualTo(QUEUED_BOUND);

      InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      for (int i = 0; i < lines; i++) {
        assertThat(payload(readLine(in))).as("reply %d", i).hasSize(100);
      }
      writer.get(10, TimeUnit.SECONDS);
      assertThat(server.connectionStats().peakQueuedPerConnection()).isLessThanOrEqualTo(QUEUED_BOUND);
    }
    Await.until("the buffer budget is empty again", () -> server.bufferBudget().used() == 0);
  }

  /** Closed at once, without waiting for a close_notify that would queue behind replies never read (and a warning). */
  @Test
  void aClientThatLeavesItsRepliesUnreadIsClosedAfterTheWriteTimeout() throws Exception {
    Logger netty = (Logger) LoggerFactory.getLogger("io.netty");
    ListAppender<ILoggingEvent> nettyLines = new ListAppender<>();
    nettyLines.start();
    netty.addAppender(nettyLines);
    try {
      closedAfterTheWriteTimeout();
    } finally {
      netty.detachAppender(nettyLines);
    }
    assertThat(nettyLines.list).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }

  private void closedAfterTheWriteTimeout() throws Exception {
    int port = start(new TlsSettings(null, null, true, null), b -> b.writeTimeout(Duration.ofSeconds(1)));
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    Socket plain = new Socket();
    plain.setReceiveBufferSize(16 * 1024);
    plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    try (SSLSocket socket = (SSLSocket) trustAll.getSocketFactory().createSocket(plain, "localhost", port, true)) {
      socket.setSoTimeout(20_000);
      socket.startHandshake();
      byte[] flood = new byte[64 * 1024];
      java.util.Arrays.fill(flood, (byte) '\n');
      Future<?> writer = pool.submit(() -> {
        OutputStream out = socket.getOutputStream();
        for (int i = 0; i < 1000; i++) {
          out.write(flood);
        }
        return null;
      });
      Await.until("the close for the write time-out is counted",
          () -> server.connectionStats().closed(CloseReason.WRITE_TIMEOUT) == 1);
      Await.until("the writer sees the connection go", writer::isDone);
    }
    Await.until("the buffer budget is empty again", () -> server.bufferBudget().used() == 0);
    assertThat(closeLine()).endsWith("reason=write timeout");
  }

  /** Waits, at most 20 s, until a counter stops moving for a while: a blocked writer. */
  private static void awaitStall(AtomicLong counter) throws InterruptedException {
    long previous = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      Thread.sleep(300);
      long now = counter.get();
      if (now == previous) {
        return;
      }
      previous = now;
    }
  }
}
