package io.tsecho.server;

import static io.tsecho.testing.Replies.payload;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.Listener;
import io.tsecho.config.Protocol;
import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import io.tsecho.config.UdpLimits;
import io.tsecho.protocol.Rfc868;
import io.tsecho.testing.TestServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** UDP and the classic services over real loopback sockets, IPv4 and IPv6, on every transport. */
class UdpAndServicesIT {

  private static int port(TestServer server, Service service, Protocol protocol) {
    return server.server().bound().stream()
        .filter(b -> b.listener().service() == service && b.listener().protocol() == protocol)
        .findFirst().orElseThrow().address().getPort();
  }

  /** Sends one datagram from a socket bound to {@code from} and returns the reply, or null after 1 s. */
  private static String exchange(InetSocketAddress from, String loopback, int port, String payload) throws Exception {
    try (DatagramSocket socket = new DatagramSocket(from)) {
      socket.setSoTimeout(1_000);
      byte[] bytes = payload.getBytes(ISO_8859_1);
      socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName(loopback), port));
      DatagramPacket reply = new DatagramPacket(new byte[65_536], 65_536);
      try {
        socket.receive(reply);
      } catch (SocketTimeoutException e) {
        return null;
      }
      return new String(reply.getData(), 0, reply.getLength(), ISO_8859_1);
    }
  }

  private static String exchange(String loopback, int port, String payload) throws Exception {
    return exchange(new InetSocketAddress(InetAddress.getByName(loopback), 0), loopback, port, payload);
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void udpStampAnswersEachDatagramOnTheTcpPortOverIpv4AndIpv6(Transport transport) throws Exception {
    try (TestServer server = TestServer.start(transport, b -> b.udp(true))) {
      int tcp = port(server, Service.STAMP, Protocol.TCP);
      assertThat(port(server, Service.STAMP, Protocol.UDP)).as("the same port").isEqualTo(tcp);
      for (String loopback : new String[] {"127.0.0.1", "::1"}) {
        assertThat(payload(exchange(loopback, tcp, "datagram via " + loopback + "\n"))).isEqualTo("datagram via " + loopback + "\n");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void everyServiceAnswersOverTcpAndUdpOnIpv4AndIpv6(Transport transport) throws Exception {
    try (TestServer server = TestServer.start(transport, b -> b
        .listen(Listener.parse("echo/tcp/*:0")).listen(Listener.parse("echo/udp/*:0"))
        .listen(Listener.parse("daytime/tcp/*:0")).listen(Listener.parse("daytime/udp/*:0"))
        .listen(Listener.parse("time/tcp/*:0")).listen(Listener.parse("time/udp/*:0"))
        .timeFormat("epoch-s"))) {
      for (String loopback : new String[] {"127.0.0.1", "::1"}) {
        InetAddress address = InetAddress.getByName(loopback);
        // echo
        try (Socket s = new Socket(address, port(server, Service.ECHO, Protocol.TCP))) {
          s.setSoTimeout(5_000);
          s.getOutputStream().write("raw\u0000bytes\r\n".getBytes(ISO_8859_1));
          s.shutdownOutput();
          assertThat(new String(s.getInputStream().readAllBytes(), ISO_8859_1)).isEqualTo("raw\u0000bytes\r\n");
        }
        assertThat(exchange(loopback, port(server, Service.ECHO, Protocol.UDP), "udp echo")).isEqualTo("udp echo");
        // daytime: the server speaks first and closes
        long now = Instant.now().getEpochSecond();
        try (Socket s = new Socket(address, port(server, Service.DAYTIME, Protocol.TCP))) {
          s.setSoTimeout(5_000);
          String line = new String(s.getInputStream().readAllBytes(), ISO_8859_1);
          assertThat(line).matches("\\d{10}\r\n");
          assertThat(Long.parseLong(line.strip())).isBetween(now - 5, now + 5);
        }
        assertThat(exchange(loopback, port(server, Service.DAYTIME, Protocol.UDP), "")).matches("\\d{10}\r\n");
        // time: four bytes, seconds since 1900
        try (Socket s = new Socket(address, port(server, Service.TIME, Protocol.TCP))) {
          s.setSoTimeout(5_000);
          byte[] four = s.getInputStream().readAllBytes();
          assertThat(four).hasSize(4);
          assertThat(Rfc868.decode(Rfc868.decodeBytes(four), Instant.now()).getEpochSecond()).isBetween(now - 5, now + 5);
        }
        byte[] udpTime = exchange(loopback, port(server, Service.TIME, Protocol.UDP), "").getBytes(ISO_8859_1);
        assertThat(Rfc868.decode(Rfc868.decodeBytes(udpTime), Instant.now()).getEpochSecond()).isBetween(now - 5, now + 5);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void aFloodFromOneSourceIsThrottledWhileAnotherSourceIsStillAnswered(Transport transport) throws Exception {
    try (TestServer server = TestServer.start(transport, b -> b.tcp(false).udp(true)
        .udpLimits(new UdpLimits(10, 0, false, 65_507)))) {
      int port = server.port();
      int answered = 0;
      try (DatagramSocket flooder = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
        flooder.setSoTimeout(500);
        for (int i = 0; i < 200; i++) {
          byte[] b = ("flood " + i).getBytes(ISO_8859_1);
          flooder.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
        }
        DatagramPacket reply = new DatagramPacket(new byte[1024], 1024);
        try {
          while (true) {
            flooder.receive(reply);
            answered++;
          }
        } catch (SocketTimeoutException done) {
          // every reply that was coming has come
        }
      }
      // One second's worth of tokens, plus what refilled while the flood was sent.
      assertThat(answered).isBetween(10, 15);
      assertThat(server.server().udpDrops().count(UdpDrops.Reason.SOURCE_RATE)).isEqualTo(200 - answered);
      // 127.0.0.2 is another source address on the same loopback interface.
      String other = exchange(new InetSocketAddress("127.0.0.2", 0), "127.0.0.1", port, "innocent");
      assertThat(payload(other)).isEqualTo("innocent");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void aLowSourcePortGetsNothingAndIsCounted(Transport transport) throws Exception {
    try (TestServer server = TestServer.start(transport, b -> b.tcp(false).udp(true).service(Service.ECHO))) {
      InetSocketAddress low = new InetSocketAddress("127.0.0.1", 1007); // tests run as root on CI, as here
      assertThat(exchange(low, "127.0.0.1", server.port(), "loop me")).isNull();
      assertThat(server.server().udpDrops().count(UdpDrops.Reason.LOW_PORT)).isEqualTo(1);
      assertThat(exchange("127.0.0.1", server.port(), "fine")).isEqualTo("fine");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void aDatagramWhoseReplyWouldNotFitGetsAnErrorDatagram(Transport transport) throws Exception {
    try (TestServer server = TestServer.start(transport, b -> b.tcp(false).udp(true))) {
      char[] big = new char[65_507 - 10];
      Arrays.fill(big, 'z');
      assertThat(exchange("127.0.0.1", server.port(), new String(big)))
          .isEqualTo("tsecho error: reply would not fit a datagram; send at most 65480 bytes\n");
      assertThat(server.server().udpDrops().count(UdpDrops.Reason.TOO_LARGE)).isEqualTo(1);
    }
  }

  /** Datagrams are read many per system call on epoll; none may be cut short, even the largest. */
  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void theLargestDatagramEchoesBackWhole(Transport transport) throws Exception {
    try (TestServer server = TestServer.start(transport, b -> b.tcp(false).udp(true).service(Service.ECHO))) {
      char[] big = new char[65_507];
      for (int i = 0; i < big.length; i++) {
        big[i] = (char) ('a' + i % 26);
      }
      String payload = new String(big);
      assertThat(exchange("127.0.0.1", server.port(), payload)).isEqualTo(payload);
    }
  }
}
