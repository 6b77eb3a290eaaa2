package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.tsecho.config.Transport;
import io.tsecho.testing.TestServer;
import io.tsecho.testing.TsechoProcess;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code serve --trace} on the real executable, and proof that without it no trace handler exists. */
class TraceIT {
  private static final String TRACE = " INFO  trace - ";
  private static final String LISTENING = "tsecho: listening on ";

  /**
   * One TCP client (a line, a line too long, the server's half-close, the client's close) and one
   * datagram, line by line. With {@code -q} the trace still shows: it was asked for.
   */
  @Test
  void theRealServerTracesEachSocketCallInOrder() throws Exception {
    int clientPort;
    int udpPort;
    int port;
    try (TsechoProcess server = TsechoProcess.serve("--host", "127.0.0.1", "--port", "0", "--udp",
        "--time-format", "epoch-s", "--max-line", "16", "--trace", "-q")) {
      port = server.port("stamp/udp");
      try (Socket client = new Socket()) {
        client.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5_000);
        client.setSoTimeout(20_000);
        clientPort = client.getLocalPort();
        OutputStream out = client.getOutputStream();
        InputStream in = client.getInputStream();
        out.write("hello\n".getBytes(ISO_8859_1));
        assertThat(readLine(in)).matches("\\[\\d{10}\\] hello\n");
        out.write("0123456789abcdefghij\n".getBytes(ISO_8859_1));
        assertThat(new String(in.readAllBytes(), ISO_8859_1))
            .isEqualTo("tsecho error: line too long (more than 16 bytes without a newline); closing\n");
      }
      // The server closes on its own event loop: wait for it, so that the datagram's lines come after.
      server.awaitText("[127.0.0.1:" + clientPort + "] close()");

      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
        udp.setSoTimeout(20_000);
        udpPort = udp.getLocalPort();
        udp.send(new DatagramPacket("hi\n".getBytes(ISO_8859_1), 3, InetAddress.getByName("127.0.0.1"), port));
        DatagramPacket reply = new DatagramPacket(new byte[1024], 1024);
        udp.receive(reply);
        assertThat(new String(reply.getData(), 0, reply.getLength(), ISO_8859_1)).matches("\\[\\d{10}\\] hi\n");
      }
      assertThat(server.terminate()).isZero();

      String tcp = "[stamp/tcp/127.0.0.1:" + port + "] ";
      String udp = "[stamp/udp/127.0.0.1:" + port + "] ";
      String conn = "[127.0.0.1:" + clientPort + "] ";
      assertThat(traceOf(server.stderr())).containsExactly(
          tcp + "socket(AF_INET, SOCK_STREAM)",
          tcp + "bind(127.0.0.1:" + port + ")",
          tcp + "listen(4096)",
          udp + "socket(AF_INET, SOCK_DGRAM)",
          udp + "bind(127.0.0.1:" + port + ")",
          LISTENING + "stamp/tcp/127.0.0.1:" + port,
          LISTENING + "stamp/udp/127.0.0.1:" + port,
          tcp + "accept() -> 127.0.0.1:" + clientPort,
          conn + "recv() -> 6 bytes \"hello\\n\"",
          conn + "send(19 bytes \"[STAMP] hello\\n\")",
          conn + "recv() -> 21 bytes \"0123456789abcdefghij\\n\"",
          conn + "send(76 bytes \"tsecho error: line too long (more than 16 bytes without a newlin\"... (12 more))",
          conn + "shutdown(SHUT_WR)",
          conn + "recv() -> 0 bytes (end of stream)",
          conn + "close()",
          udp + "recvfrom() -> 3 bytes \"hi\\n\" from 127.0.0.1:" + udpPort,
          udp + "sendto(16 bytes \"[STAMP] hi\\n\", 127.0.0.1:" + udpPort + ")",
          tcp + "close()",
          udp + "close()");
    }
  }

  /** The trace lines and the listening lines, in order: stamps as [STAMP], listening lines without their details. */
  private static List<String> traceOf(String stderr) {
    List<String> lines = new ArrayList<>();
    for (String line : stderr.split("\n")) {
      int trace = line.indexOf(TRACE);
      if (trace >= 0) {
        lines.add(line.substring(trace + TRACE.length()).replaceAll("\\[\\d{10}\\]", "[STAMP]"));
      } else if (line.startsWith(LISTENING)) {
        lines.add(line.substring(0, line.indexOf(" (")));
      }
    }
    return lines;
  }

  private static String readLine(InputStream in) throws Exception {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      line.write(b);
      if (b == '\n') {
        break;
      }
    }
    return line.toString(ISO_8859_1);
  }

  /**
   * Off, the trace costs nothing because it is not there: no listener or connection has a handler
   * named {@code trace}, and a connection's pipeline is its service alone. On, both have one.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theTraceHandlerIsInAPipelineOnlyWhenTheTraceIsOn(boolean trace) throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.host("127.0.0.1").udp(true).trace(trace));
        Socket client = server.connect()) {
      client.getOutputStream().write("x\n".getBytes(ISO_8859_1));
      assertThat(readLine(client.getInputStream())).endsWith("] x\n");

      List<Channel> channels = server.server().channels();
      assertThat(channels).hasSize(3); // the TCP listener, the UDP listener, the connection
      for (Channel channel : channels) {
        List<String> names = channel.eventLoop().submit(() -> channel.pipeline().names()).get(10, TimeUnit.SECONDS);
        names.remove(names.size() - 1); // the pipeline's tail
        if (channel instanceof ServerChannel) {
          assertThat(names).as("the TCP listener: it only accepts").doesNotContain(PipelineNames.TRACE);
        } else if (channel instanceof DatagramChannel) {
          if (trace) {
            assertThat(names).containsExactly(PipelineNames.TRACE, PipelineNames.SERVICE);
          } else {
            assertThat(names).containsExactly("DatagramServiceHandler#0");
          }
        } else {
          if (trace) {
            assertThat(names).containsExactly(PipelineNames.TRACE, PipelineNames.SERVICE);
          } else {
            assertThat(names).containsExactly(PipelineNames.SERVICE);
          }
        }
      }
    }
  }
}
