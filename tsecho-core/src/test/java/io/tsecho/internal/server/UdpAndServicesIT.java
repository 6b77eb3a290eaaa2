package io.tsecho.internal.server;

import static io.tsecho.testing.Replies.payload;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.Listener;
import io.tsecho.config.Protocol;
import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import io.tsecho.config.UdpLimits;
import io.tsecho.protocol.Rfc868;
import io.tsecho.testing.Await;
import io.tsecho.testing.Loopback;
import io.tsecho.testing.TestServer;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * UDP and the classic services over real loopback sockets, IPv4 and IPv6, on every transport.
 * Replies are awaited generously and drops are read from the server's own counters, so that a slow
 * machine makes the tests slower, never wrong.
 */
class UdpAndServicesIT {
  /** Long enough for any loaded machine; a reply that is owed but later than this is a failure. */
  private static final int REPLY_WAIT_MS = 10_000;

  static Stream<Arguments> transportsAndLoopbacks() {
    return Stream.of(Transport.EPOLL, Transport.NIO)
        .flatMap(t -> Stream.of(Arguments.of(t, Loopback.IPV4), Arguments.of(t, Loopback.IPV6)));
  }

  private static int port(TestServer server, Service service, Protocol protocol) {
    return server.server().bound().stream()
        .filter(b -> b.listener().service() == service && b.listener().protocol() == protocol)
        .findFirst().orElseThrow().address().getPort();
  }

  private static void send(DatagramSocket socket, String loopback, int port, String payload) throws IOException {
    byte[] bytes = payload.getBytes(ISO_8859_1);
    socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName(loopback), port));
  }

  /** The next datagram on the socket, which must come within the socket's time-out. */
  private static String receive(DatagramSocket socket) throws IOException {
    DatagramPacket reply = new DatagramPacket(new byte[65_536], 65_536);
    socket.receive(reply);
    return new String(reply.getData(), 0, reply.getLength(), ISO_8859_1);
  }

  /** Sends one datagram from a fresh socket bound to {@code from} and returns its reply. */
  private static String exchange(InetSocketAddress from, String loopback, int port, String payload) throws Exception {
    try (DatagramSocket socket = new DatagramSocket(from)) {
      socket.setSoTimeout(REPLY_WAIT_MS);
      send(socket, loopback, port, payload);
      return receive(socket);
    }
  }

  private static String exchange(String loopback, int port, String payload) throws Exception {
    return exchange(new InetSocketAddress(InetAddress.getByName(loopback), 0), loopback, port, payload);
  }

  @ParameterizedTest
  @MethodSource("transportsAndLoopbacks")
  void udpStampAnswersEachDatagramOnTheTcpPort(Transport transport, String loopback) throws Exception {
    Loopback.assumeAvailable(loopback);
    try (TestServer server = TestServer.start(transport, b -> b.udp(true))) {
      int tcp = port(server, Service.STAMP, Protocol.TCP);
      assertThat(port(server, Service.STAMP, Protocol.UDP)).as("the same port").isEqualTo(tcp);
      assertThat(payload(exchange(loopback, tcp, "datagram via " + loopback + "\n"))).isEqualTo("datagram via " + loopback + "\n");
    }
  }

  @ParameterizedTest
  @MethodSource("transportsAndLoopbacks")
  void everyServiceAnswersOverTcpAndUdp(Transport transport, String loopback) throws Exception {
    Loopback.assumeAvailable(loopback);
    try (TestServer server = TestServer.start(transport, b -> b
        .listen(Listener.parse("echo/tcp/*:0")).listen(Listener.parse("echo/udp/*:0"))
        .listen(Listener.parse("daytime/tcp/*:0")).listen(Listener.parse("daytime/udp/*:0"))
        .listen(Listener.parse("time/tcp/*:0")).listen(Listener.parse("time/udp/*:0"))
        .timeFormat("epoch-s"))) {
      InetAddress address = InetAddress.getByName(loopback);
      // echo
      try (Socket s = new Socket(address, port(server, Service.ECHO, Protocol.TCP))) {
        s.setSoTimeout(REPLY_WAIT_MS);
        s.getOutputStream().write("raw\u0000bytes\r\n".getBytes(ISO_8859_1));
        s.shutdownOutput();
        assertThat(new String(s.getInputStream().readAllBytes(), ISO_8859_1)).isEqualTo("raw\u0000bytes\r\n");
      }
      assertThat(exchange(loopback, port(server, Service.ECHO, Protocol.UDP), "udp echo")).isEqualTo("udp echo");
      // daytime: the server speaks first and closes; its clock is read between before and after
      long before = Instant.now().getEpochSecond();
      try (Socket s = new Socket(address, port(server, Service.DAYTIME, Protocol.TCP))) {
        s.setSoTimeout(REPLY_WAIT_MS);
        String line = new String(s.getInputStream().readAllBytes(), ISO_8859_1);
        assertThat(line).matches("\\d{10}\r\n");
        assertThat(Long.parseLong(line.strip())).isBetween(before, Instant.now().getEpochSecond());
      }
      String udpDaytime = exchange(loopback, port(server, Service.DAYTIME, Protocol.UDP), "");
      assertThat(udpDaytime).matches("\\d{10}\r\n");
      assertThat(Long.parseLong(udpDaytime.strip())).isBetween(before, Instant.now().getEpochSecond());
      // time: four bytes, seconds since 1900
      try (Socket s = new Socket(address, port(server, Service.TIME, Protocol.TCP))) {
        s.setSoTimeout(REPLY_WAIT_MS);
        byte[] four = s.getInputStream().readAllBytes();
        assertThat(four).hasSize(4);
        assertThat(Rfc868.decode(Rfc868.decodeBytes(four), Instant.now()).getEpochSecond())
            .isBetween(before, Instant.now().getEpochSecond());
      }
      byte[] udpTime = exchange(loopback, port(server, Service.TIME, Protocol.UDP), "").getBytes(ISO_8859_1);
      assertThat(udpTime).hasSize(4);
      assertThat(Rfc868.decode(Rfc868.decodeBytes(udpTime), Instant.now()).getEpochSecond())
          .isBetween(before, Instant.now().getEpochSecond());
    }
  }

  /**
   * Datagrams go one at a time, each awaited until the server has answered or dropped it, so none is
   * lost to a full socket buffer and every count is exact. The bucket holds one second's worth and
   * refills at the rate, so the answers are bounded by the time the test took, whatever it was; two
   * ports of one address share the bucket.
   */
  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void aFloodFromOneAddressIsThrottledAcrossItsPortsWhileAnotherAddressIsAnswered(Transport transport)
      throws Exception {
    int rate = 2;
    int datagrams = 60;
    long started = System.nanoTime(); // before the server exists, so before its buckets are filled
    try (TestServer server = TestServer.start(transport, b -> b.tcp(false).udp(true)
            .udpLimits(new UdpLimits(rate, 0, false, 65_507)));
        DatagramSocket portA = new DatagramSocket(new InetSocketAddress(Loopback.IPV4, 0));
        DatagramSocket portB = new DatagramSocket(new InetSocketAddress(Loopback.IPV4, 0))) {
      UdpDrops drops = server.server().udpDrops();
      List<Integer> answered = new ArrayList<>();
      for (int i = 0; i < datagrams; i++) {
        DatagramSocket from = i % 2 == 0 ? portA : portB;
        from.setSoTimeout(REPLY_WAIT_MS);
        send(from, Loopback.IPV4, server.port(), "flood " + i);
        int sent = i + 1;
        Await.until("datagram " + i + " is answered or dropped",
            () -> drops.replies() + drops.count(UdpDrops.Reason.SOURCE_RATE) == sent);
        if (drops.replies() > answered.size()) {
          assertThat(payload(receive(from))).isEqualTo("flood " + i);
          answered.add(i);
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;

      assertThat(answered).as("a full bucket answers the first second's worth").startsWith(0, 1);
      assertThat(answered.size()).as("answers in %.3f s", seconds).isLessThanOrEqualTo(rate + (int) (rate * seconds));
      assertThat(drops.count(UdpDrops.Reason.SOURCE_RATE)).isEqualTo(datagrams - answered.size()).isPositive();
      // 127.0.0.2 is another source address on the same loopback interface, with a bucket of its own.
      assertThat(payload(exchange(new InetSocketAddress("127.0.0.2", 0), Loopback.IPV4, server.port(), "innocent")))
          .isEqualTo("innocent");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void aLowSourcePortGetsNothingAndIsCounted(Transport transport) throws Exception {
    try (TestServer server = TestServer.start(transport, b -> b.tcp(false).udp(true).service(Service.ECHO));
        DatagramSocket low = bindLowPort()) {
      UdpDrops drops = server.server().udpDrops();
      send(low, Loopback.IPV4, server.port(), "loop me");
      Await.until("the datagram from port " + low.getLocalPort() + " is dropped",
          () -> drops.count(UdpDrops.Reason.LOW_PORT) == 1);
      assertThat(drops.replies()).isZero();
      assertThat(exchange(Loopback.IPV4, server.port(), "fine")).isEqualTo("fine");
      assertThat(drops.replies()).isEqualTo(1);
      low.setSoTimeout(100);
      assertThat(pending(low)).as("a reply to the low port").isNull();
    }
  }

  /** A datagram already waiting on the socket, or null. */
  private static String pending(DatagramSocket socket) throws IOException {
    try {
      return receive(socket);
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  /**
   * A socket on a free loopback port below 1024, where echo loops start. Binding one needs root or
   * CAP_NET_BIND_SERVICE (CI has it): without, the test is skipped and says so.
   */
  private static DatagramSocket bindLowPort() throws IOException {
    List<Integer> ports = new ArrayList<>();
    for (int p = 600; p < 1024; p++) {
      ports.add(p);
    }
    Collections.shuffle(ports); // so that test runs sharing a machine pick different ports
    for (int p : ports.subList(0, 50)) {
      try {
        return new DatagramSocket(new InetSocketAddress(Loopback.IPV4, p));
      } catch (BindException e) {
        if (String.valueOf(e.getMessage()).contains("Permission denied")) {
          Assumptions.abort("binding a UDP port below 1024 needs root or CAP_NET_BIND_SERVICE (" + e.getMessage() + ")");
        }
        // in use: try another
      }
    }
    throw new AssertionError("no free UDP port below 1024 among 50 tried");
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
  void aDatagramWhoseReplyWouldNotFitGetsAnErrorDatagram(Transport transport) throws Exception {
    try (TestServer server = TestServer.start(transport, b -> b.tcp(false).udp(true))) {
      char[] big = new char[65_507 - 10];
      Arrays.fill(big, 'z');
      assertThat(exchange(Loopback.IPV4, server.port(), new String(big)))
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
      assertThat(exchange(Loopback.IPV4, server.port(), payload)).isEqualTo(payload);
    }
  }
}
