package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tsecho.junit.TsechoExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user's test, as the README shows it: it compiles and runs with tsecho-junit and JUnit alone.
 * (Plain JUnit assertions: a user's project need not have AssertJ.)
 */
class MyClientTest {
  @RegisterExtension
  static TsechoExtension server = new TsechoExtension()
      .clock(Clock.fixed(Instant.parse("2018-01-09T21:14:00Z"), ZoneOffset.UTC)).zone("UTC");

  @Test
  void getsAStamp() throws Exception {
    try (Socket s = new Socket(server.host(), server.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
      assertEquals("[Tue Jan  9 21:14:00 2018] hello\n", readLine(s.getInputStream()));
    }
    assertEquals(List.of("hello"), server.received());
  }

  @Test
  void survivesAReset() throws Exception {
    server.fault("reset");
    try (Socket s = new Socket(server.host(), server.port())) {
      s.setSoTimeout(10_000);
      // The server resets the connection at once: the read fails, or (rarely) sees the end first.
      assertThrows(IOException.class, () -> {
        s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
        if (s.getInputStream().read() == -1) {
          throw new IOException("closed");
        }
      });
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != -1) {
      line.append((char) b);
      if (b == '\n') {
        break;
      }
    }
    return line.toString();
  }
}
