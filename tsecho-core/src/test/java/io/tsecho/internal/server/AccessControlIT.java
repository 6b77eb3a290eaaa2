package io.tsecho.internal.server;

import static io.tsecho.testing.Replies.payload;
import static io.tsecho.testing.Replies.readLine;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.AccessRules;
import io.tsecho.config.Cidr;
import io.tsecho.config.Listener;
import io.tsecho.config.Transport;
import io.tsecho.config.UdpLimits;
import io.tsecho.testing.TestServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** --allow, --deny and --max-per-source, from several loopback addresses. */
class AccessControlIT {

  private static AccessRules rules(List<String> allow, List<String> deny, int maxPerSource) {
    return new AccessRules(allow.stream().map(Cidr::parse).toList(), deny.stream().map(Cidr::parse).toList(), maxPerSource);
  }

  private static Socket connectFrom(String source, int port) throws IOException {
    Socket s = new Socket();
    s.setSoTimeout(10_000);
    s.bind(new InetSocketAddress(source, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return s;
  }

  /** What a client gets for one line: the reply, or null when the server closed without a word. */
  private static String exchange(String source, int port) throws IOException {
    try (Socket s = connectFrom(source, port)) {
      try {
        s.getOutputStream().write("who\n".getBytes(ISO_8859_1));
      } catch (IOException closedAlready) {
        return null;
      }
      try {
        return readLine(s.getInputStream());
      } catch (IOException reset) {
        return null;
      }
    }
  }

  @Test
  void allowServesOnlyItsBlocksAndDenyWinsInsideThem() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.host("127.0.0.1")
        .access(rules(List.of("127.0.0.0/30"), List.of("127.0.0.2/32"), 0)))) {
      assertThat(payload(exchange("127.0.0.1", server.port()))).isEqualTo("who\n");
      assertThat(exchange("127.0.0.2", server.port())).as("denied inside the allowed block").isNull();
      assertThat(payload(exchange("127.0.0.3", server.port()))).isEqualTo("who\n");
      assertThat(exchange("127.0.0.5", server.port())).as("outside every allow").isNull();
    }
  }

  @Test
  void aSourceOverItsLimitGetsOneErrorLineWhileOtherSourcesAreServed() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.host("127.0.0.1")
        .access(rules(List.of(), List.of(), 2)))) {
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          Socket s = connectFrom("127.0.0.7", server.port());
          s.getOutputStream().write("in\n".getBytes(ISO_8859_1));
          assertThat(payload(readLine(s.getInputStream()))).isEqualTo("in\n");
          held.add(s);
        }
        try (Socket third = connectFrom("127.0.0.7", server.port())) {
          assertThat(new String(third.getInputStream().readAllBytes(), ISO_8859_1))
              .isEqualTo("tsecho error: too many connections from your address (limit 2); closing\n");
        }
        assertThat(payload(exchange("127.0.0.8", server.port()))).as("another source").isEqualTo("who\n");
        held.remove(0).close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String again = null;
        while (again == null && System.nanoTime() < deadline) { // the server sees the close a moment later
          String reply = exchange("127.0.0.7", server.port());
          again = reply != null && reply.startsWith("[") ? reply : null;
          Thread.sleep(20);
        }
        assertThat(payload(again)).as("room again once one of its connections closed").isEqualTo("who\n");
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  @Test
  void aDeniedDatagramIsDroppedAndCounted() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b
        .listen(Listener.parse("stamp/udp/127.0.0.1:0"))
        .udpLimits(new UdpLimits(0, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM))
        .access(rules(List.of(), List.of("127.0.0.9"), 0)));
        DatagramSocket denied = new DatagramSocket(new InetSocketAddress("127.0.0.9", 0));
        DatagramSocket allowed = new DatagramSocket(new InetSocketAddress("127.0.0.10", 0))) {
      InetSocketAddress target = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.port());
      byte[] payload = "hi".getBytes(ISO_8859_1);
      denied.send(new DatagramPacket(payload, payload.length, target));
      allowed.send(new DatagramPacket(payload, payload.length, target));
      allowed.setSoTimeout(10_000);
      DatagramPacket reply = new DatagramPacket(new byte[256], 256);
      allowed.receive(reply);
      assertThat(new String(reply.getData(), 0, reply.getLength(), ISO_8859_1)).endsWith("] hi");
      denied.setSoTimeout(500);
      assertThat(receives(denied)).isFalse();
      assertThat(server.server().udpDrops().count(UdpDrops.Reason.ACCESS_DENIED)).isEqualTo(1);
    }
  }

  private static boolean receives(DatagramSocket socket) throws IOException {
    try {
      socket.receive(new DatagramPacket(new byte[256], 256));
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }
}
