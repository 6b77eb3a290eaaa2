package io.tsecho.internal.client;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.internal.client.DatagramExchange.TimedReply;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one wait for a datagram's reply, against a peer socket the test drives by hand. */
class DatagramExchangeIT {
  @Test
  void datagramsThatDoNotAnswerAreSkippedAndTheAnswerIsTimedFromItsSend() throws Exception {
    try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      client.connect(peer.getLocalSocketAddress());
      Thread answering = new Thread(() -> {
        try {
          DatagramPacket request = new DatagramPacket(new byte[64], 64);
          peer.receive(request);
          for (String reply : new String[] {"[x] an earlier one\n", "[x] b\n"}) {
            peer.send(new DatagramPacket(reply.getBytes(US_ASCII), reply.length(), request.getSocketAddress()));
          }
        } catch (Exception e) {
          // the test is over
        }
      }, "peer");
      answering.setDaemon(true);
      answering.start();
      byte[] request = "b\n".getBytes(US_ASCII);
      long before = System.nanoTime();
      TimedReply reply = new DatagramExchange(client).sendAndWait(new DatagramPacket(request, request.length),
          Duration.ofSeconds(10), p -> DatagramExchange.endsWith(p, request));
      long after = System.nanoTime();
      assertThat(new String(reply.bytes(), US_ASCII)).isEqualTo("[x] b\n");
      assertThat(reply.sentNanos()).isBetween(before, reply.receivedNanos());
      assertThat(reply.receivedNanos()).isLessThanOrEqualTo(after);
    }
  }

  @Test
  void noAnswerWithinTheTimeOutIsNull() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      client.connect(silent.getLocalSocketAddress());
      long start = System.nanoTime();
      TimedReply reply = new DatagramExchange(client).sendAndWait(new DatagramPacket(new byte[1], 1),
          Duration.ofMillis(100), p -> true);
      assertThat(reply).isNull();
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
    }
  }
}
