package io.tsecho.junit;

import static io.tsecho.junit.Clients.connect;
import static io.tsecho.junit.Clients.exchange;
import static io.tsecho.junit.Clients.readLine;
import static io.tsecho.junit.Clients.receive;
import static io.tsecho.junit.Clients.send;
import static io.tsecho.junit.Clients.udp;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsecho.config.Fault;
import io.tsecho.testing.Await;
import java.net.DatagramSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** Each fault as the client sees it, each test with a server of its own, all at once. */
@Execution(ExecutionMode.CONCURRENT)
class FaultsTest {
  private static final String P = "[Tue Jan  9 21:14:00 2018] ";

  @RegisterExtension final TsechoExtension server = new TsechoExtension()
      .clock(Clock.fixed(Instant.parse("2018-01-09T21:14:00Z"), ZoneOffset.UTC)).zone("UTC");

  /** What the server has read, once it has read this many messages; bounded in time. */
  private List<String> awaitReceived(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.received().size() < count && System.nanoTime() - deadline < 0) {
      Thread.sleep(10);
    }
    return server.received();
  }

  @Test
  void resetAfterOneReplyIsAConnectionReset() throws Exception {
    server.fault("reset:1");
    try (Socket s = connect(server)) {
      send(s, "one\ntwo\n");
      assertThat(readLine(s.getInputStream())).isEqualTo(P + "one\n");
      assertThatThrownBy(() -> readLine(s.getInputStream())).isInstanceOf(SocketException.class)
          .hasMessageContaining("Connection reset");
    }
  }

  @Test
  void latencyHoldsEachReply() throws Exception {
    server.fault("latency:300ms");
    try (Socket s = connect(server)) {
      long start = System.nanoTime();
      send(s, "late\n");
      assertThat(readLine(s.getInputStream())).isEqualTo(P + "late\n");
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    }
  }

  @Test
  void stallReadsButNeverAnswers() throws Exception {
    server.fault("stall");
    try (Socket s = connect(server)) {
      send(s, "anyone?\n");
      assertThat(awaitReceived(1)).containsExactly("anyone?");
      s.setSoTimeout(300);
      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void limitClosesAfterSoManyBytes() throws Exception {
    server.fault("limit:30");
    try (Socket s = connect(server)) {
      send(s, "one\ntwo\n");
      assertThat(new String(s.getInputStream().readAllBytes(), ISO_8859_1)).isEqualTo((P + "one\n").substring(0, 30));
    }
  }

  @Test
  void dropLeavesADatagramUnansweredUntilTheFaultIsCleared() throws Exception {
    server.fault("drop");
    try (DatagramSocket udp = udp()) {
      udp.setSoTimeout(300);
      Clients.send(udp, server, "lost");
      // Read, and so dropped, before the fault is cleared: a loaded machine may take a while to get there.
      assertThat(awaitReceived(1)).containsExactly("lost");
      Await.until("the datagram is dropped", () -> server.faultsApplied(Fault.Kind.DROP) == 1);
      assertThatThrownBy(() -> receive(udp)).isInstanceOf(SocketTimeoutException.class);
      server.clearFaults();
      udp.setSoTimeout(10_000);
      assertThat(exchange(udp, server, "found")).isEqualTo(P + "found");
    }
    assertThat(server.received()).containsExactly("lost", "found");
  }

  @Test
  void truncateCutsTheReply() throws Exception {
    server.fault("truncate:5");
    try (DatagramSocket udp = udp()) {
      assertThat(exchange(udp, server, "hello")).isEqualTo("[Tue ");
    }
  }
}
