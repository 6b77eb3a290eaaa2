package io.tsecho.internal.tls;

import static io.tsecho.testing.Replies.payload;
import static io.tsecho.testing.Replies.readLine;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.tsecho.config.ClientTlsSettings;
import io.tsecho.config.Listener;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.TlsSettings;
import io.tsecho.internal.server.TsechoServer;
import io.tsecho.testing.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client side of TLS against a tls listener on loopback: what it trusts, the names it checks, mutual TLS. */
class TlsClientsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private TestPki.Ca ca;
  private TestPki.Issued serverCert;
  private TsechoServer server;

  @BeforeEach
  void pki() throws Exception {
    ca = TestPki.ca("Clients Test Root", dir);
    serverCert = ca.issue("server.test");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private int serve(Path clientCa) throws Exception {
    server = TsechoServer.start(ServerConfig.builder().listen(Listener.parse("stamp/tls/127.0.0.1:0")).threads(1)
        .tls(new TlsSettings(serverCert.certificateFile(), serverCert.keyFile(), false, clientCa)).build(),
        Clock.systemUTC());
    return server.localAddress().getPort();
  }

  private static Socket tcp(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return socket;
  }

  private static String exchange(SSLSocket socket, String line) throws IOException {
    socket.getOutputStream().write(line.getBytes(ISO_8859_1));
    return readLine(socket.getInputStream());
  }

  @Test
  void aServerWhoseCertificateChainsToTheGivenCaAndNamesTheHostIsSpokenTo() throws Exception {
    int port = serve(null);
    TlsClients clients = TlsClients.of(new ClientTlsSettings(ca.file(), false, null, null));
    for (String host : new String[] {"localhost", "127.0.0.1"}) {
      try (SSLSocket socket = clients.handshake(tcp(port), host, TIMEOUT)) {
        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(payload(exchange(socket, "via " + host + "\n"))).isEqualTo("via " + host + "\n");
      }
    }
  }

  @Test
  void aCertificateForAnotherNameIsRefusedInOneLine() throws Exception {
    int port = serve(null);
    TlsClients clients = TlsClients.of(new ClientTlsSettings(ca.file(), false, null, null));
    assertThatThrownBy(() -> clients.handshake(tcp(port), "other.test", TIMEOUT))
        .isInstanceOf(TlsHandshakeException.class)
        .hasMessage("TLS handshake with other.test:" + port + " failed: the server's certificate is not for this host"
            + " name or address (No subject alternative DNS name matching other.test found.)");
  }

  @Test
  void theJdksOwnCasDoNotTrustATestCa() throws Exception {
    int port = serve(null);
    TlsClients clients = TlsClients.of(ClientTlsSettings.DEFAULTS);
    assertThatThrownBy(() -> clients.handshake(tcp(port), "localhost", TIMEOUT))
        .hasMessage("TLS handshake with localhost:" + port + " failed: the server's certificate is not signed by a"
            + " trusted CA; give its CA with --tls-ca, or --tls-insecure");
  }

  @Test
  void insecureTrustsAnyCertificateForAnyName() throws Exception {
    int port = serve(null);
    TlsClients clients = TlsClients.of(new ClientTlsSettings(null, true, null, null));
    try (SSLSocket socket = clients.handshake(tcp(port), "other.test", TIMEOUT)) {
      assertThat(payload(exchange(socket, "anyway\n"))).isEqualTo("anyway\n");
    }
  }

  @Test
  void aClientCertificateIsShownWhenTheServerAsksForOne() throws Exception {
    TestPki.Ca clientCa = TestPki.ca("Client Root", dir);
    TestPki.Issued me = clientCa.issue("client one");
    int port = serve(clientCa.file());

    TlsClients withCertificate = TlsClients.of(new ClientTlsSettings(ca.file(), false, me.certificateFile(), me.keyFile()));
    try (SSLSocket socket = withCertificate.handshake(tcp(port), "localhost", TIMEOUT)) {
      assertThat(payload(exchange(socket, "me\n"))).isEqualTo("me\n");
    }

    // In TLS 1.3 the client has finished its handshake before the server judges its certificate:
    // the refusal arrives with the first read. (A write may meet the closed connection first.)
    TlsClients without = TlsClients.of(new ClientTlsSettings(ca.file(), false, null, null));
    SSLException refused;
    try (SSLSocket socket = without.handshake(tcp(port), "localhost", TIMEOUT)) {
      refused = assertThrows(SSLException.class, () -> socket.getInputStream().read());
    }
    assertThat(without.failure(refused, "localhost", port, TIMEOUT)).isEqualTo("TLS handshake with localhost:"
        + port + " failed: the server asks for a client certificate: give --tls-cert and --tls-key");

    TestPki.Issued stranger = TestPki.ca("Stranger Root", dir).issue("stranger");
    TlsClients wrong = TlsClients.of(new ClientTlsSettings(ca.file(), false, stranger.certificateFile(), stranger.keyFile()));
    try (SSLSocket socket = wrong.handshake(tcp(port), "localhost", TIMEOUT)) {
      refused = assertThrows(SSLException.class, () -> socket.getInputStream().read());
    }
    // The client sends no certificate the server's list of CAs leaves out, and the JDK's server answers
    // the empty chain with bad_certificate, or since JDK 23 (and later updates of 21) with certificate_required.
    assertThat(wrong.failure(refused, "localhost", port, TIMEOUT)).matches(Pattern.quote("TLS handshake with localhost:"
        + port + " failed: the server refused the client certificate (alert ") + "(bad_certificate|certificate_required)\\)");
  }

  @Test
  void aPlainServerIsNotTakenForATlsOne() throws Exception {
    server = TsechoServer.start(ServerConfig.builder().host("127.0.0.1").port(0).threads(1).build(), Clock.systemUTC());
    int port = server.localAddress().getPort();
    TlsClients clients = TlsClients.of(new ClientTlsSettings(null, true, null, null));
    assertThatThrownBy(() -> clients.handshake(tcp(port), "127.0.0.1", TIMEOUT))
        .hasMessage("TLS handshake with 127.0.0.1:" + port + " failed: the server does not speak TLS on this port");
  }

  @Test
  void aServerThatSaysNothingMeetsTheTimeOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      TlsClients clients = TlsClients.of(new ClientTlsSettings(null, true, null, null));
      Socket socket = tcp(silent.getLocalPort());
      assertThatThrownBy(() -> clients.handshake(socket, "127.0.0.1", Duration.ofMillis(300)))
          .hasMessage("TLS handshake with 127.0.0.1:" + silent.getLocalPort()
              + " failed: no answer from the server within 300 ms");
      assertThat(socket.isClosed()).isTrue();
    }
  }

  @Test
  void theNettyHandlerChecksTheNameToo() throws Exception {
    int port = serve(null);
    TlsClients clients = TlsClients.of(new ClientTlsSettings(ca.file(), false, null, null));
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      assertThat(nettyExchange(group, clients, port, "localhost")).isEqualTo("netty\n");
      assertThatThrownBy(() -> nettyExchange(group, clients, port, "other.test"))
          .hasMessage("TLS handshake with other.test:" + port + " failed: the server's certificate is not for this"
              + " host name or address (No subject alternative DNS name matching other.test found.)");
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** The payload of the reply to one line sent through a Netty client, or the handshake's failure in one line. */
  private static String nettyExchange(EventLoopGroup group, TlsClients clients, int port, String host) throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    SslHandler[] tls = new SslHandler[1];
    Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            tls[0] = clients.newHandler(ch.alloc(), host, port);
            ch.pipeline().addLast(tls[0], new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                reply.complete(((ByteBuf) msg).toString(ISO_8859_1));
                ((ByteBuf) msg).release();
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
              }
            });
          }
        })
        .connect("127.0.0.1", port).sync().channel();
    try {
      tls[0].handshakeFuture().await(20, TimeUnit.SECONDS);
      if (!tls[0].handshakeFuture().isSuccess()) {
        throw new TlsHandshakeException(clients.failure(tls[0].handshakeFuture().cause(), host, port, TIMEOUT), null);
      }
      channel.writeAndFlush(Unpooled.copiedBuffer("netty\n", ISO_8859_1));
      return payload(reply.get(20, TimeUnit.SECONDS));
    } finally {
      channel.close().sync();
    }
  }
}
