package io.tsecho.internal.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.testing.TsechoProcess;
import io.tsecho.testing.TsechoProcess.Result;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** How client, ping and bench start their connections: a PROXY header first, and a trace of each socket call. */
class ClientConnectIT {
  private static final String STAMP = "\\[\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\] ";

  @Test
  void clientPingAndBenchSendAProxyHeaderThatAServerRequiringOneReads() throws Exception {
    try (TsechoProcess server = TsechoProcess.serve("--host", "127.0.0.1", "--port", "0",
        "--proxy-protocol", "required")) {
      String port = String.valueOf(server.port());
      for (String version : new String[] {"v1", "v2"}) {
        Result client = TsechoProcess.run("via proxy\n".getBytes(ISO_8859_1), 30, "client", "--send-proxy", version,
            "127.0.0.1", port);
        assertThat(client.exitCode()).as(client.stderr()).isZero();
        assertThat(client.out()).matches(STAMP + "via proxy\n");
      }
      Result ping = TsechoProcess.run(new byte[0], 30, "ping", "--send-proxy", "v2", "-c", "2", "-i", "100ms",
          "127.0.0.1", port);
      assertThat(ping.exitCode()).as(ping.stderr()).isZero();
      assertThat(ping.out()).contains("2 sent, 2 received");
      Result bench = TsechoProcess.run(new byte[0], 60, "bench", "--send-proxy", "v1", "-n", "500", "-c", "4",
          "--warmup", "0s", "127.0.0.1", port);
      assertThat(bench.exitCode()).as(bench.stdout() + bench.stderr()).isZero();
      assertThat(bench.out()).contains("500 requests in").contains("errors 0");

      Result plain = TsechoProcess.run("no header\n".getBytes(ISO_8859_1), 30, "client", "127.0.0.1", port);
      assertThat(plain.out()).as("refused before anything is answered").isEmpty();
      server.expectLog("bad or missing PROXY header|PROXY");
      assertThat(server.terminate()).isZero();
      // The header names the client's own address: the server logs it as the peer, and the proxy as the same.
      Matcher m = Pattern.compile("closed stamp/tcp peer=(127\\.0\\.0\\.1:\\d+) via=(127\\.0\\.0\\.1:\\d+) ")
          .matcher(server.stderr());
      assertThat(m.find()).as(server.stderr()).isTrue();
      assertThat(m.group(1)).isEqualTo(m.group(2));
    }
  }

  private static int indexOf(List<String> lines, String regex) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).matches(regex)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void sendProxyOverUdpIsAUsageError() throws Exception {
    Result r = TsechoProcess.run(new byte[0], 30, "client", "--udp", "--send-proxy", "v2", "127.0.0.1", "9");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).isEqualTo("tsecho: --send-proxy is for TCP connections; leave it out with --udp\n");
  }

  @Test
  void theClientTracesEachSocketCall() throws Exception {
    try (TsechoProcess server = TsechoProcess.serve("--host", "127.0.0.1", "--port", "0", "--time-format", "epoch-s")) {
      String port = String.valueOf(server.port());
      Result r = TsechoProcess.run("hello\n".getBytes(ISO_8859_1), 30, "client", "--trace", "127.0.0.1", port);
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.out()).matches("\\[\\d{10}\\] hello\n");
      List<String> lines = Arrays.asList(r.stderr().split("\n"));
      String me = "\\[127\\.0\\.0\\.1:" + port + "\\] ";
      assertThat(lines).hasSize(7);
      assertThat(lines.get(0)).matches(me + "socket\\(AF_INET, SOCK_STREAM\\)");
      assertThat(lines.get(1)).matches(me + "connect\\(127\\.0\\.0\\.1:" + port + "\\)");
      // The sender and the receiver are two threads: each one's calls are in order, not the two together.
      List<String> middle = lines.subList(2, 6);
      int send = indexOf(middle, me + "send\\(6 bytes \"hello\\\\n\"\\)");
      int shutdown = indexOf(middle, me + "shutdown\\(SHUT_WR\\)");
      int recv = indexOf(middle, me + "recv\\(\\) -> 19 bytes \"\\[\\d{10}\\] hello\\\\n\"");
      int end = indexOf(middle, me + "recv\\(\\) -> 0 bytes \\(end of stream\\)");
      assertThat(send).as(r.stderr()).isNotNegative().isLessThan(shutdown);
      assertThat(recv).as(r.stderr()).isNotNegative().isLessThan(end);
      assertThat(lines.get(6)).matches(me + "close\\(\\)");
    }
  }
}
