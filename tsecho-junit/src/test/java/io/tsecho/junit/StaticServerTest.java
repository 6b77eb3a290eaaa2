package io.tsecho.junit;

import static io.tsecho.junit.Clients.connect;
import static io.tsecho.junit.Clients.exchange;
import static io.tsecho.junit.Clients.readLine;
import static io.tsecho.junit.Clients.send;
import static io.tsecho.junit.Clients.udp;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * One server for the whole class, from a static field. The class runs beside the others; its tests
 * share the server, so they run one after the other, in order, to see that each starts afresh.
 */
@Execution(ExecutionMode.CONCURRENT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StaticServerTest {
  private static final String STAMP = "\\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]{4}\\] ";

  @RegisterExtension static TsechoExtension server = new TsechoExtension();

  private static final AtomicInteger firstPort = new AtomicInteger();

  private static void sameServerAsTheFirstTest() {
    firstPort.compareAndSet(0, server.port());
    assertThat(server.port()).isEqualTo(firstPort.get());
  }

  @Test
  @Order(1)
  @Execution(ExecutionMode.SAME_THREAD)
  void getsAStampAndTheServerSeesTheMessage() throws Exception {
    sameServerAsTheFirstTest();
    assertThat(server.host()).isEqualTo("127.0.0.1");
    assertThat(server.address().getPort()).isEqualTo(server.port());
    try (Socket s = connect(server)) {
      send(s, "hello\n");
      assertThat(readLine(s.getInputStream())).matches(STAMP + "hello\n");
    }
    assertThat(server.received()).containsExactly("hello");
    server.fault("stall"); // left for the end of the test to clear
  }

  @Test
  @Order(2)
  @Execution(ExecutionMode.SAME_THREAD)
  void theNextTestStartsWithNoMessagesAndNoFaults() throws Exception {
    sameServerAsTheFirstTest();
    assertThat(server.received()).isEmpty();
    try (Socket s = connect(server)) {
      send(s, "w\u00f6rld\r\nclassic");
      s.shutdownOutput(); // the piece without a newline is answered at the end of input
      assertThat(new String(s.getInputStream().readAllBytes(), UTF_8))
          .matches(STAMP + "w\u00f6rld\r\n" + STAMP + "classic");
    }
    assertThat(server.received()).containsExactly("w\u00f6rld", "classic");
  }

  @Test
  @Order(3)
  @Execution(ExecutionMode.SAME_THREAD)
  void udpIsServedOnTheSamePort() throws Exception {
    sameServerAsTheFirstTest();
    try (DatagramSocket udp = udp()) {
      assertThat(exchange(udp, server, "ping")).matches(STAMP + "ping");
      assertThat(exchange(udp, server, "pong\n")).matches(STAMP + "pong\n");
    }
    assertThat(server.received()).containsExactly("ping", "pong");
  }

  @Test
  @Order(4)
  @Execution(ExecutionMode.SAME_THREAD)
  void aRunningServerCannotBeReconfiguredAndABadFaultSaysWhy() {
    sameServerAsTheFirstTest();
    assertThatThrownBy(() -> server.service("echo")).isInstanceOf(IllegalStateException.class)
        .hasMessage("the tsecho server is running: configure it where the extension is made");
    assertThatThrownBy(() -> server.fault("latency:fast")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fault 'latency:fast': 'fast' is not a duration (e.g. 50ms, 2s)");
  }

  /** Nested classes share the server of their class; like its tests, they run one at a time. */
  @Nested
  @Execution(ExecutionMode.SAME_THREAD)
  class FirstNested {
    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void sharesTheServer() {
      sameServerAsTheFirstTest();
    }
  }

  @Nested
  @Execution(ExecutionMode.SAME_THREAD)
  class SecondNested {
    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void stillSharesTheServerAfterTheFirstNestedClassEnded() {
      sameServerAsTheFirstTest();
    }
  }
}
