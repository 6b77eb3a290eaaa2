package io.tsecho.junit;

import static io.tsecho.junit.Clients.connect;
import static io.tsecho.junit.Clients.exchange;
import static io.tsecho.junit.Clients.send;
import static io.tsecho.junit.Clients.udp;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** The echo service, chosen fluently on a static server: bytes come back unchanged. */
@Execution(ExecutionMode.CONCURRENT)
class EchoServiceTest {
  @RegisterExtension static TsechoExtension server = new TsechoExtension().service("echo");

  @Test
  @Execution(ExecutionMode.SAME_THREAD) // the tests share the server
  void tcpBytesComeBackUnchanged() throws Exception {
    byte[] sent = {0, 'a', (byte) 0xff, '\r', '\n', 'z'};
    try (Socket s = connect(server)) {
      s.getOutputStream().write(sent);
      assertThat(s.getInputStream().readNBytes(sent.length)).isEqualTo(sent);
    }
  }

  @Test
  @Execution(ExecutionMode.SAME_THREAD)
  void udpDatagramsComeBackUnchangedAndAreReceivedInOrder() throws Exception {
    try (DatagramSocket udp = udp()) {
      assertThat(exchange(udp, server, "one")).isEqualTo("one");
      assertThat(exchange(udp, server, "two\n")).isEqualTo("two\n");
    }
    try (Socket s = connect(server)) {
      send(s, "three");
      assertThat(s.getInputStream().readNBytes(5)).isEqualTo("three".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThat(server.received()).containsExactly("one", "two", "three");
  }
}
