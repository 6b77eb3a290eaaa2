package io.tsecho.internal.client;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.ClientConfig;
import io.tsecho.config.Transport;
import io.tsecho.protocol.Framing;
import io.tsecho.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The client engine against an in-process server on loopback. */
class TcpClientIT {
  private static final String STAMP = "\\[\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\] ";

  private static TcpClient client(TestServer server) {
    return new TcpClient(new ClientConfig("localhost", server.port(), Duration.ofSeconds(5), Duration.ofSeconds(10)));
  }

  @Test
  void theInteractiveSessionPromptsSendsPrintsAndQuitsOnAnEmptyLine() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO)) {
      ByteArrayOutputStream screen = new ByteArrayOutputStream();
      client(server).runInteractive(new ByteArrayInputStream("hello\r\nworld\n\nnever sent\n".getBytes(ISO_8859_1)),
          new PrintStream(screen, true, ISO_8859_1));
      assertThat(screen.toString(ISO_8859_1)).matches("> " + STAMP + "hello\n> " + STAMP + "world\n> ");
    }
  }

  @Test
  void theInteractiveSessionEndsAtEndOfInput() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO)) {
      ByteArrayOutputStream screen = new ByteArrayOutputStream();
      client(server).runInteractive(new ByteArrayInputStream("only\n".getBytes(ISO_8859_1)),
          new PrintStream(screen, true, ISO_8859_1));
      assertThat(screen.toString(ISO_8859_1)).matches("> " + STAMP + "only\n> ");
    }
  }

  @Test
  void pipeModeCarriesMegabytesOfBinaryLinesBothWaysAtOnce() throws Exception {
    // Far more than the socket buffers hold: sending and receiving must overlap or both sides stall.
    byte[] input = new byte[4 << 20];
    new Random(7).nextBytes(input);
    for (int i = 99; i < input.length; i += 100) {
      input[i] = '\n';
    }
    input[input.length - 1] = '\n'; // line framing answers complete lines only
    int lines = 0;
    for (byte b : input) {
      lines += b == '\n' ? 1 : 0;
    }
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.framing(Framing.LINE))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      client(server).runPipe(new ByteArrayInputStream(input), out);
      byte[] replies = out.toByteArray();
      int prefix = 27;
      // Every reply is a stamp plus one input line; lines themselves may contain '['.
      assertThat(replies.length).isEqualTo(input.length + lines * prefix);
      ByteArrayOutputStream payloads = new ByteArrayOutputStream(input.length);
      int at = 0;
      while (at < replies.length) {
        assertThat(replies[at]).isEqualTo((byte) '[');
        int end = at + prefix;
        while (replies[end] != '\n') {
          end++;
        }
        payloads.write(replies, at + prefix, end + 1 - at - prefix);
        at = end + 1;
      }
      assertThat(payloads.toByteArray()).isEqualTo(input);
    }
  }
}
