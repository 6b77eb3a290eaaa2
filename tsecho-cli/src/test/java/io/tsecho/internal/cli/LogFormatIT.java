package io.tsecho.internal.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.testing.JsonText;
import io.tsecho.testing.TsechoProcess;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code serve --log-format}: JSON for machines, the text line unchanged for people. */
class LogFormatIT {
  private static final String LISTENING = "tsecho: listening on ";

  /** Sends "hello\n", half-closes, reads every reply; returns the client's port. */
  private static int oneClient(int port) throws Exception {
    try (Socket client = new Socket()) {
      client.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5_000);
      client.setSoTimeout(20_000);
      client.getOutputStream().write("hello\n".getBytes(ISO_8859_1));
      client.shutdownOutput();
      InputStream in = client.getInputStream();
      assertThat(new String(in.readAllBytes(), ISO_8859_1)).matches("\\[\\d{10}\\] hello\n");
      return client.getLocalPort();
    }
  }

  @Test
  void jsonIsOneObjectALineWithTheClosingLinesFieldsAsKeys() throws Exception {
    try (TsechoProcess server = TsechoProcess.serve("--host", "127.0.0.1", "--port", "0", "--time-format", "epoch-s",
        "--log-format", "json", "--trace")) {
      int port = server.port("stamp/tcp");
      int clientPort = oneClient(port);
      server.awaitText("closed stamp\\/tcp");
      assertThat(server.terminate()).isZero();

      List<Map<String, Object>> objects = new ArrayList<>();
      List<String> listening = new ArrayList<>();
      for (String line : server.stderr().split("\n")) {
        if (line.startsWith(LISTENING)) {
          listening.add(line); // plain text in every format: scripts wait for it
        } else {
          objects.add(JsonText.object(line));
        }
      }
      assertThat(listening).hasSize(1);
      assertThat(listening.get(0)).startsWith(LISTENING + "stamp/tcp/127.0.0.1:" + port + " (");

      for (Map<String, Object> o : objects) {
        assertThat(o.keySet()).as("the text line's fields, the key/values, a throwable; no more")
            .isSubsetOf("timestamp", "level", "loggerName", "formattedMessage", "kvpList", "throwable")
            .contains("timestamp", "level", "loggerName", "formattedMessage");
        assertThat(o.get("timestamp")).isInstanceOf(BigDecimal.class);
        assertThat(o.get("level")).isEqualTo("INFO");
      }

      Map<String, Object> closing = only(objects, "io.tsecho.connections");
      String peer = "127.0.0.1:" + clientPort;
      String local = "127.0.0.1:" + port;
      assertThat((String) closing.get("formattedMessage")).matches("closed stamp/tcp peer=" + peer.replace(".", "\\.")
          + " local=" + local.replace(".", "\\.") + " in=6B out=19B messages=1 duration=\\d+ms reason=peer closed");
      Map<String, Object> fields = keyValues(closing);
      assertThat(fields).containsOnlyKeys("service", "protocol", "peer", "local", "in", "out", "messages", "duration",
          "reason");
      assertThat(fields).containsEntry("service", "stamp").containsEntry("protocol", "tcp")
          .containsEntry("peer", peer).containsEntry("local", local)
          .containsEntry("in", "6").containsEntry("out", "19").containsEntry("messages", "1")
          .containsEntry("reason", "peer closed");
      assertThat((String) fields.get("duration")).matches("\\d+");

      List<String> trace = new ArrayList<>();
      for (Map<String, Object> o : objects) {
        if ("io.tsecho.trace".equals(o.get("loggerName"))) {
          trace.add(((String) o.get("formattedMessage")).replaceAll("\\[\\d{10}\\]", "[STAMP]"));
        }
      }
      String conn = "[" + peer + "] ";
      assertThat(trace).as("the trace, with its quotes and backslashes through JSON's escapes").containsExactly(
          "[stamp/tcp/" + local + "] socket(AF_INET, SOCK_STREAM)",
          "[stamp/tcp/" + local + "] bind(" + local + ")",
          "[stamp/tcp/" + local + "] listen(4096)",
          "[stamp/tcp/" + local + "] accept() -> " + peer,
          conn + "recv() -> 6 bytes \"hello\\n\"",
          conn + "send(19 bytes \"[STAMP] hello\\n\")",
          conn + "recv() -> 0 bytes (end of stream)",
          conn + "close()",
          "[stamp/tcp/" + local + "] close()");
    }
  }

  private static Map<String, Object> only(List<Map<String, Object>> objects, String logger) {
    List<Map<String, Object>> found = new ArrayList<>();
    for (Map<String, Object> o : objects) {
      if (logger.equals(o.get("loggerName"))) {
        found.add(o);
      }
    }
    assertThat(found).as("lines of " + logger).hasSize(1);
    return found.get(0);
  }

  /** Logback's kvpList, [{"peer":"..."},{"in":"6"},...], as one map. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> keyValues(Map<String, Object> line) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (Object pair : (List<Object>) line.get("kvpList")) {
      Map<String, Object> one = (Map<String, Object>) pair;
      assertThat(one).hasSize(1);
      fields.putAll(one);
    }
    return fields;
  }

  /** The text format is the default and its closing line is what it always was, with no key/values added. */
  @Test
  void textIsTheDefaultAndItsClosingLineIsUnchanged() throws Exception {
    try (TsechoProcess server = TsechoProcess.serve("--host", "127.0.0.1", "--port", "0", "--time-format",
        "epoch-s")) {
      int port = server.port("stamp/tcp");
      int clientPort = oneClient(port);
      server.awaitText("closed stamp/tcp");
      assertThat(server.terminate()).isZero();
      String[] lines = server.stderr().split("\n");
      assertThat(lines).hasSize(2);
      assertThat(lines[0]).startsWith(LISTENING);
      assertThat(lines[1]).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  connections"
          + " - closed stamp/tcp peer=127\\.0\\.0\\.1:" + clientPort + " local=127\\.0\\.0\\.1:" + port
          + " in=6B out=19B messages=1 duration=\\d+ms reason=peer closed");
    }
  }
}
