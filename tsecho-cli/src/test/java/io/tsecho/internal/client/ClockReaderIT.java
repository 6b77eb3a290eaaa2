package io.tsecho.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.ClientConfig;
import io.tsecho.protocol.Rfc868;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Reading a clock over UDP from a time server that misbehaves on purpose. */
class ClockReaderIT {
  /**
   * The server holds its answer to the first try (its clock as it was then) until the second try
   * has been sent, then answers both. Timed from the second send, the stale answer would give an
   * offset of about -2 s while claiming ±0.5 s; only the answer to the second try may be used.
   */
  @Test
  void aLateAnswerToAnEarlierTryIsNeverTimedFromALaterSend() throws Exception {
    try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      Thread slow = new Thread(() -> {
        try {
          DatagramPacket first = new DatagramPacket(new byte[16], 16);
          server.receive(first);
          byte[] stale = Rfc868.encodeBytes(Instant.now().getEpochSecond());
          SocketAddress firstFrom = first.getSocketAddress();
          DatagramPacket second = new DatagramPacket(new byte[16], 16);
          server.receive(second);
          server.send(new DatagramPacket(stale, 4, firstFrom));
          Thread.sleep(200);
          server.send(new DatagramPacket(Rfc868.encodeBytes(Instant.now().getEpochSecond()), 4,
              second.getSocketAddress()));
        } catch (Exception e) {
          // the test is over
        }
      }, "slow-time-server");
      slow.setDaemon(true);
      slow.start();
      ClientConfig config = new ClientConfig("127.0.0.1", server.getLocalPort(), Duration.ofSeconds(5),
          Duration.ofSeconds(2));
      ClockReading r = new ClockReader(config, Clock.systemUTC(), 1).readTime(true);
      assertThat(r.server()).isEqualTo("127.0.0.1:" + server.getLocalPort());
      assertThat(r.offset().abs()).as("offset %s, bound %s", r.offset(), r.bound()).isLessThanOrEqualTo(r.bound());
      assertThat(r.roundTrip()).as("the answer to the second try, 200 ms after it").isGreaterThanOrEqualTo(
          Duration.ofMillis(200));
    }
  }
}
