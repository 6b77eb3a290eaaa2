package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.NetUtil;
import io.tsecho.config.Fault;
import io.tsecho.config.FaultSettings;
import io.tsecho.config.Listener;
import io.tsecho.config.ProxySettings;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Transport;
import io.tsecho.config.UdpLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A whole server on loopback port 0: what it says it listens on, and how a failed bind ends. A unit
 * test by exception, though it binds sockets, so that mutation testing, which runs the unit tests
 * only, reaches TsechoServer; it binds and closes, and sends nothing.
 */
class TsechoServerTest {
  private static final Clock FROZEN = Clock.fixed(Instant.parse("2018-01-09T21:14:00Z"), ZoneOffset.UTC);

  private static ServerConfig.Builder loopback() {
    return ServerConfig.builder().transport(Transport.NIO).threads(1).zone(ZoneOffset.UTC).instance("test");
  }

  @Test
  void eachListenerHasOneLineThatSaysHowItServes() throws Exception {
    ServerConfig config = loopback().backlog(16)
        .listen(Listener.parse("stamp/tcp/127.0.0.1:0"))
        .listen(Listener.parse("echo/udp/127.0.0.1:0"))
        .listen(Listener.parse("daytime/tcp/127.0.0.1:0"))
        .listen(Listener.parse("whoami/udp/127.0.0.1:0"))
        .udpLimits(new UdpLimits(0, 100, false, UdpLimits.DEFAULT_MAX_DATAGRAM))
        .proxy(new ProxySettings(ProxySettings.Mode.OPTIONAL, ProxySettings.LOOPBACK, Duration.ofSeconds(3)))
        .faults(new FaultSettings(List.of(Fault.parse("latency:100ms"), Fault.parse("drop@0.5")), 7))
        .build();
    try (TsechoServer server = TsechoServer.start(config, FROZEN)) {
      int tcp = server.bound().get(0).address().getPort();
      int daytime = server.bound().get(2).address().getPort();
      assertThat(server.localAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", tcp));
      assertThat(server.bound()).extracting(b -> b.address().getPort()).as("port 0 shares the first port picked")
          .containsExactly(tcp, tcp, daytime, daytime);
      assertThat(server.listeningLines()).containsExactly(
          "tsecho: listening on stamp/tcp/127.0.0.1:" + tcp + " (framing auto, backlog 16, proxy protocol optional "
              + "from 127.0.0.0/8 ::1/128, time format ctime, faults latency:100ms, fault seed 7, transport nio, "
              + "1 event loops)",
          "tsecho: listening on echo/udp/127.0.0.1:" + tcp + " (udp rate unlimited per source, budget 100/s, "
              + "faults drop@0.5, fault seed 7, transport nio, 1 event loops)",
          "tsecho: listening on daytime/tcp/127.0.0.1:" + daytime + " (backlog 16, proxy protocol optional "
              + "from 127.0.0.0/8 ::1/128, time format ctime, faults latency:100ms, fault seed 7, transport nio, "
              + "1 event loops)",
          "tsecho: listening on whoami/udp/127.0.0.1:" + daytime + " (time format ctime, instance test, "
              + "udp rate unlimited per source, budget 100/s, faults drop@0.5, fault seed 7, transport nio, "
              + "1 event loops)");
      assertThat(server.transportName()).isEqualTo("nio");
      assertThat(server.openConnections()).isZero();
      assertThat(server.bufferBudget().used()).isZero();
    }
  }

  @Test
  void aLimitedSourceRateAndAnUnlimitedBudgetAreSaidAsSuch() throws Exception {
    ServerConfig config = loopback().listen(Listener.parse("echo/udp/127.0.0.1:0"))
        .udpLimits(new UdpLimits(20, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM)).build();
    try (TsechoServer server = TsechoServer.start(config, FROZEN)) {
      assertThat(server.listeningLines()).singleElement().asString()
          .endsWith("(udp rate 20/s per source, budget unlimited, transport nio, 1 event loops)");
    }
  }

  @Test
  void aBacklogOverTheKernelsCapSaysBoth() throws Exception {
    ServerConfig config = loopback().listen(Listener.parse("echo/tcp/127.0.0.1:0")).backlog(65_535).build();
    try (TsechoServer server = TsechoServer.start(config, FROZEN)) {
      int somaxconn = NetUtil.SOMAXCONN;
      assertThat(server.listeningLines()).singleElement().asString().endsWith(somaxconn >= 65_535
          ? "(backlog 65535, transport nio, 1 event loops)"
          : "(backlog " + somaxconn + " (asked 65535, capped by net.core.somaxconn), transport nio, 1 event loops)");
    }
  }

  @Test
  void aPortInUseFailsWithItsReasonAndFreesWhatWasBound() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ServerConfig config = loopback().listen(Listener.parse("stamp/tcp/127.0.0.1:0"))
          .listen(Listener.parse("echo/tcp/127.0.0.1:" + taken.getLocalPort())).build();
      AtomicInteger firstPort = new AtomicInteger();
      assertThatThrownBy(() -> TsechoServer.startWrappingBinds(config, FROZEN, binder -> (listener, address) -> {
        ChannelFuture bound = binder.bind(listener, address);
        if (listener.port() == 0) {
          firstPort.set(((InetSocketAddress) bound.awaitUninterruptibly().channel().localAddress()).getPort());
        }
        return bound;
      })).isInstanceOfSatisfying(BindFailedException.class, e -> {
        assertThat(e.reason()).isEqualTo(BindFailedException.Reason.ADDRESS_IN_USE);
        assertThat(e.getMessage()).startsWith("cannot listen on tcp/127.0.0.1:" + taken.getLocalPort() + ": ");
      });
      try (ServerSocket again = new ServerSocket(firstPort.get(), 1, InetAddress.getLoopbackAddress())) {
        assertThat(again.getLocalPort()).as("the listener bound first was closed").isEqualTo(firstPort.get());
      }
    }
  }

  @Test
  void aPortPickedForOneProtocolAndTakenForTheOtherIsTriedAgainTenTimes() {
    assertEveryBindFailing("bind(..) failed with error(-98): Address already in use",
        BindFailedException.Reason.ADDRESS_IN_USE, 10);
  }

  @Test
  void aClashThatClearsIsServedOnTheNextRound() throws Exception {
    ServerConfig config = loopback().listen(Listener.parse("stamp/tcp/127.0.0.1:0")).build();
    AtomicInteger attempts = new AtomicInteger();
    EmbeddedChannel failed = new EmbeddedChannel();
    try (TsechoServer server = TsechoServer.startWrappingBinds(config, FROZEN, binder -> (listener, address) ->
        attempts.incrementAndGet() < 3
            ? failed.newFailedFuture(new IOException("Address already in use"))
            : binder.bind(listener, address))) {
      assertThat(attempts).hasValue(3);
      assertThat(server.localAddress().getPort()).isPositive();
    } finally {
      failed.finishAndReleaseAll();
    }
  }

  @Test
  void anyOtherBindFailureIsNotTriedAgain() {
    assertEveryBindFailing("Permission denied", BindFailedException.Reason.PERMISSION_DENIED, 1);
  }

  /** Every bind fails with {@code message}: the start fails for {@code reason} after {@code attempts} binds. */
  private static void assertEveryBindFailing(String message, BindFailedException.Reason reason, int attempts) {
    ServerConfig config = loopback().listen(Listener.parse("stamp/tcp/127.0.0.1:0")).build();
    AtomicInteger binds = new AtomicInteger();
    EmbeddedChannel failed = new EmbeddedChannel();
    try {
      assertThatThrownBy(() -> TsechoServer.startWrappingBinds(config, FROZEN, binder -> (listener, address) -> {
        binds.incrementAndGet();
        return failed.newFailedFuture(new IOException(message));
      })).isInstanceOfSatisfying(BindFailedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
      assertThat(binds).hasValue(attempts);
    } finally {
      failed.finishAndReleaseAll();
    }
  }

  @Test
  void closingTwiceIsClosingOnce() throws Exception {
    TsechoServer server = TsechoServer.start(loopback().listen(Listener.parse("stamp/tcp/127.0.0.1:0")).build(), FROZEN);
    server.close();
    server.close();
    server.awaitStopped();
    try (ServerSocket again = new ServerSocket(server.localAddress().getPort(), 1, InetAddress.getLoopbackAddress())) {
      assertThat(again.isBound()).as("the port is free again").isTrue();
    }
  }
}
