package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsecho.config.Listener;
import io.tsecho.config.Protocol;
import io.tsecho.config.ServerConfig;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Listeners that ask for port 0 share one number between TCP and UDP. When the number the system
 * picked for TCP is taken for UDP, the server picks again instead of giving up.
 */
class SharedPortIT {
  private final List<DatagramSocket> squatters = new ArrayList<>();
  private final AtomicInteger udpBinds = new AtomicInteger();

  private static ServerConfig tcpAndUdpOnPortZero() {
    return ServerConfig.builder().threads(1)
        .listen(Listener.parse("stamp/tcp/127.0.0.1:0"))
        .listen(Listener.parse("stamp/udp/127.0.0.1:0"))
        .build();
  }

  /** Takes the UDP port that the server is about to share, the first {@code clashes} times. */
  private TsechoServer.Binder squatting(TsechoServer.Binder real, int clashes) {
    return (listener, address) -> {
      if (listener.protocol() == Protocol.UDP && address.getPort() != 0 && udpBinds.getAndIncrement() < clashes) {
        try {
          squatters.add(new DatagramSocket(address));
        } catch (SocketException takenAlready) {
          // Another program on the machine holds that UDP port: the clash this test wants, all the same.
        }
      }
      return real.bind(listener, address);
    };
  }

  @AfterEach
  void freePorts() {
    squatters.forEach(DatagramSocket::close);
  }

  @Test
  void aSharedPortTakenForUdpIsPickedAgainForBoth() throws Exception {
    try (TsechoServer server = TsechoServer.startWrappingBinds(tcpAndUdpOnPortZero(), Clock.systemUTC(), real -> squatting(real, 2))) {
      InetSocketAddress tcp = server.bound().get(0).address();
      InetSocketAddress udp = server.bound().get(1).address();
      assertThat(udp.getPort()).isEqualTo(tcp.getPort());
      assertThat(squatters).hasSizeLessThanOrEqualTo(2).allSatisfy(s -> assertThat(s.getLocalPort()).isNotEqualTo(tcp.getPort()));
      assertThat(udpBinds).hasValue(3);
    }
  }

  @Test
  void aClashInEveryRoundEndsWithAddressInUse() {
    assertThatThrownBy(() -> TsechoServer.startWrappingBinds(tcpAndUdpOnPortZero(), Clock.systemUTC(), real -> squatting(real, 100)))
        .isInstanceOfSatisfying(BindFailedException.class,
            e -> assertThat(e.reason()).isEqualTo(BindFailedException.Reason.ADDRESS_IN_USE));
    assertThat(udpBinds).as("bounded rounds").hasValue(10);
  }

  @Test
  void anExplicitPortInUseFailsAtOnce() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      ServerConfig config = ServerConfig.builder().threads(1)
          .listen(Listener.parse("stamp/udp/127.0.0.1:" + taken.getLocalPort())).build();
      assertThatThrownBy(() -> TsechoServer.startWrappingBinds(config, Clock.systemUTC(), real -> (l, a) -> {
        udpBinds.incrementAndGet();
        return real.bind(l, a);
      })).isInstanceOf(BindFailedException.class);
      assertThat(udpBinds).as("a port the user chose is not picked again").hasValue(1);
    }
  }
}
