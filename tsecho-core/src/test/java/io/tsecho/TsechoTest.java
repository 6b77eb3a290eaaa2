package io.tsecho;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsecho.config.Fault;
import io.tsecho.config.Protocol;
import io.tsecho.config.Service;
import io.tsecho.config.UdpLimits;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The library's server, started and changed the way a test of a client would. */
class TsechoTest {
  private static final Clock FROZEN = Clock.fixed(Instant.parse("2018-01-09T21:14:00.123456789Z"), ZoneOffset.UTC);
  private static final String P = "[Tue Jan  9 21:14:00 2018] ";

  private static Tsecho.Builder frozen() {
    return Tsecho.builder().clock(FROZEN).zone(ZoneOffset.UTC);
  }

  private static Socket connect(InetSocketAddress address) throws Exception {
    Socket s = new Socket();
    s.setSoTimeout(10_000);
    s.connect(address, 5_000);
    return s;
  }

  private static String read(InputStream in, int bytes) throws Exception {
    return new String(in.readNBytes(bytes), ISO_8859_1);
  }

  private static String exchange(DatagramSocket socket, InetSocketAddress to, String payload) throws Exception {
    socket.send(new DatagramPacket(payload.getBytes(ISO_8859_1), payload.length(), to));
    DatagramPacket reply = new DatagramPacket(new byte[1024], 1024);
    socket.receive(reply);
    return new String(reply.getData(), 0, reply.getLength(), ISO_8859_1);
  }

  @Test
  void byDefaultItStampsOnTcpOnLoopbackAndRecordsWhatItReceives() throws Exception {
    try (Tsecho server = frozen().recordReceived().start(); Socket s = connect(server.address())) {
      assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(server.addresses()).containsExactly(server.address());
      s.getOutputStream().write("hello\r\nw\u00f6rld\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      String expected = P + "hello\r\n" + P + "w\u00c3\u00b6rld\n";
      assertThat(read(s.getInputStream(), expected.length())).isEqualTo(expected);

      assertThat(server.received()).extracting(ReceivedMessage::text).containsExactly("hello", "w\u00f6rld");
      ReceivedMessage first = server.received().get(0);
      assertThat(new String(first.bytes(), ISO_8859_1)).isEqualTo("hello\r\n");
      assertThat(first.protocol()).isEqualTo(Protocol.TCP);
      assertThat(first.sender()).isEqualTo(s.getLocalSocketAddress());
      assertThat(first.local()).isEqualTo(server.address());
      server.clearReceived();
      assertThat(server.received()).isEmpty();
    }
  }

  @Test
  void tcpAndUdpListenersOnPortZeroShareOnePort() throws Exception {
    try (Tsecho server = frozen().listen("stamp/tcp/127.0.0.1:0").listen("echo/udp/127.0.0.1:0").recordReceived()
        .udpLimits(new UdpLimits(0, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM)).start();
        DatagramSocket udp = new DatagramSocket()) {
      InetSocketAddress tcp = server.address(Service.STAMP, Protocol.TCP);
      InetSocketAddress echo = server.address(Service.ECHO, Protocol.UDP);
      assertThat(echo.getPort()).isEqualTo(tcp.getPort());
      assertThat(server.addresses()).containsExactly(tcp, echo);
      udp.setSoTimeout(10_000);
      assertThat(exchange(udp, echo, "ping")).isEqualTo("ping");
      assertThat(server.received()).singleElement().satisfies(m -> {
        assertThat(m.protocol()).isEqualTo(Protocol.UDP);
        assertThat(m.text()).isEqualTo("ping");
        assertThat(m.sender().getPort()).isEqualTo(udp.getLocalPort());
      });
      assertThatThrownBy(() -> server.address(Service.TIME, Protocol.TCP))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no time/tcp listener here");
    }
  }

  @Test
  void faultsAreSetAndClearedWhileItRuns() throws Exception {
    try (Tsecho server = frozen().listen("stamp/udp/127.0.0.1:0").faultSeed(7)
        .udpLimits(new UdpLimits(0, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM)).start();
        DatagramSocket udp = new DatagramSocket()) {
      udp.setSoTimeout(10_000);
      assertThat(server.faultSeed()).isEqualTo(7);
      assertThat(exchange(udp, server.address(), "abc")).isEqualTo(P + "abc");
      server.fault("truncate:5");
      server.fault(Fault.parse("duplicate"));
      assertThat(server.faults()).extracting(Fault::toString).containsExactly("truncate:5", "duplicate");
      assertThat(exchange(udp, server.address(), "abc")).isEqualTo("[Tue ");
      DatagramPacket duplicate = new DatagramPacket(new byte[1024], 1024);
      udp.receive(duplicate);
      assertThat(new String(duplicate.getData(), 0, duplicate.getLength(), ISO_8859_1)).isEqualTo("[Tue ");
      assertThat(server.faultsApplied(Fault.Kind.TRUNCATE)).isEqualTo(1);
      assertThat(server.faultsApplied(Fault.Kind.DUPLICATE)).isEqualTo(1);
      server.clearFaults();
      assertThat(server.faults()).isEmpty();
      assertThat(exchange(udp, server.address(), "def")).isEqualTo(P + "def");
    }
  }

  @Test
  void aFaultNoListenerCanTakeIsRefusedWithItsReason() throws Exception {
    try (Tsecho server = frozen().start()) {
      assertThatThrownBy(() -> server.fault("drop")).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("fault 'drop' is a udp fault, and no listener here is UDP");
      assertThatThrownBy(() -> server.fault("latency")).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("fault 'latency': latency needs a duration, e.g. 100ms or 100ms~20ms");
      assertThat(server.faults()).isEmpty();
    }
    assertThatThrownBy(() -> frozen().fault("drop").start()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fault 'drop' is a udp fault, and no listener here is UDP");
  }

  @Test
  void receivedNeedsRecordingAndBadSettingsSayWhatIsWrong() throws Exception {
    try (Tsecho server = frozen().start()) {
      assertThatThrownBy(server::received).isInstanceOf(IllegalStateException.class)
          .hasMessage("this server does not record what it receives: build it with recordReceived()");
    }
    assertThatThrownBy(() -> Tsecho.builder().listen("stamp/sctp/127.0.0.1:0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("listener 'stamp/sctp/127.0.0.1:0': 'sctp' is not a protocol; use tcp, udp or tls");
  }

  @Test
  void aReceivedMessageOwnsItsBytes() throws Exception {
    ReceivedMessage m = new ReceivedMessage(Protocol.TCP, null, null, "x\n".getBytes(ISO_8859_1));
    m.bytes()[0] = 'y';
    assertThat(m.text()).isEqualTo("x");
    assertThat(Arrays.equals(m.bytes(), "x\n".getBytes(ISO_8859_1))).isTrue();
    assertThat(m).isEqualTo(new ReceivedMessage(Protocol.TCP, null, null, "x\n".getBytes(ISO_8859_1)));
  }
}
