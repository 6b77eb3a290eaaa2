package io.tsecho.client.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.cli.ExitCodes;
import io.tsecho.cli.TsechoCommand;
import io.tsecho.config.UdpLimits;
import io.tsecho.config.Transport;
import io.tsecho.testing.ReplyServer;
import io.tsecho.testing.ReplyServer.Fault;
import io.tsecho.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tsecho bench}, run in-process through its command line, against real servers on loopback. */
class BenchIT {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int bench(String... args) {
    List<String> all = new ArrayList<>(List.of("bench"));
    all.addAll(List.of(args));
    return TsechoCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(all.toArray(new String[0]));
  }

  @Test
  void exactlyTheRequestedNumberOfRequestsAllAnswered() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO)) {
      int code = bench("127.0.0.1", String.valueOf(server.port()), "-n", "10000", "-c", "4", "-d", "8", "--warmup", "0",
          "--json");
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).contains("\"requests\":10000,").contains("\"bytes_sent\":640000,")
          .contains("\"errors\":{\"total\":0,\"wrong\":0,\"missing\":0,\"extra\":0,\"late\":0}")
          .contains("\"connections_failed\":0,\"connections_lost\":0,\"ok\":true");
    }
  }

  @Test
  void udpRequestsAreCountedExactlyToo() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.tcp(false).udp(true)
        .udpLimits(new UdpLimits(0, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM)))) {
      int code = bench("127.0.0.1", String.valueOf(server.port()), "--udp", "-n", "3000", "-c", "3", "-d", "2",
          "--warmup", "0", "--json");
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).contains("\"requests\":3000,").contains("\"ok\":true");
    }
  }

  @Test
  void aFixedRateRunSendsOnScheduleAndWritesTheLogAndThePlot(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("latency.hlog");
    Path png = dir.resolve("latency.png");
    try (TestServer server = TestServer.start(Transport.AUTO)) {
      int code = bench("127.0.0.1", String.valueOf(server.port()), "--rate", "1000", "-c", "2", "-t", "2s",
          "--warmup", "0", "--hdr-log", log.toString(), "--plot", png.toString());
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).contains("1000 requests/s scheduled").contains("latency (from intended send time)");
      // 2 s at 1000/s: requests are meant to leave at 0, 1, ... 1999 ms.
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) requests in").matcher(out.toString());
      assertThat(m.find()).isTrue();
      assertThat(Long.parseLong(m.group(1))).isEqualTo(2000L);
    }
    assertThat(Files.readAllLines(log)).anyMatch(l -> l.startsWith("#[Histogram log format version"))
        .anyMatch(l -> l.matches("\\d+\\.\\d+,\\d+\\.\\d+,\\d+\\.\\d+,HISTF.*"));
    byte[] image = Files.readAllBytes(png);
    assertThat(image).hasSizeGreaterThan(1000);
    assertThat(java.util.Arrays.copyOf(image, 4)).containsExactly(0x89, 'P', 'N', 'G');
  }

  @Test
  void aServerThatDropsEveryHundredthReplyIsCaught() throws Exception {
    try (ReplyServer server = ReplyServer.start(0, Fault.DROP, 100)) {
      int code = bench("127.0.0.1", String.valueOf(server.port()), "-n", "1000", "-c", "1", "-d", "1",
          "--warmup", "0", "--timeout", "200ms");
      assertThat(code).isEqualTo(ExitCodes.BENCH_ERRORS);
      assertThat(out.toString()).contains("990 requests in")
          .contains("errors 10: wrong 0, missing 10, extra 0, late 0");
    }
  }

  @Test
  void aServerThatCorruptsAPayloadByteIsCaught() throws Exception {
    try (ReplyServer server = ReplyServer.start(0, Fault.CORRUPT, 100)) {
      int code = bench("127.0.0.1", String.valueOf(server.port()), "-n", "1000", "-c", "1", "-d", "4", "--warmup", "0");
      assertThat(code).isEqualTo(ExitCodes.BENCH_ERRORS);
      assertThat(out.toString()).contains("990 requests in").contains("errors 10: wrong 10, missing 0, extra 0, late 0");
    }
  }

  @Test
  void aServerThatAnswersTwiceIsCaught() throws Exception {
    try (ReplyServer server = ReplyServer.start(0, Fault.TWICE, 100)) {
      int code = bench("127.0.0.1", String.valueOf(server.port()), "-n", "1000", "-c", "1", "-d", "1", "--warmup", "0");
      assertThat(code).isEqualTo(ExitCodes.BENCH_ERRORS);
      assertThat(out.toString()).contains("1000 requests in").contains("errors 10: wrong 0, missing 0, extra 10, late 0");
    }
  }

  @Test
  void anEchoServerIsCheckedByteForByte() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.service(io.tsecho.config.Service.ECHO))) {
      assertThat(bench("127.0.0.1", String.valueOf(server.port()), "--service", "echo", "-n", "2000", "--warmup", "0"))
          .as(out.toString()).isZero();
      out.getBuffer().setLength(0);
      // Stamped replies are not what an echo client expects.
    }
    try (TestServer server = TestServer.start(Transport.AUTO)) {
      assertThat(bench("127.0.0.1", String.valueOf(server.port()), "--service", "echo", "-n", "100", "-c", "1",
          "--warmup", "0")).isEqualTo(ExitCodes.BENCH_ERRORS);
      assertThat(out.toString()).contains("wrong 100");
    }
  }

  @Test
  void aRefusedServerIsExitCodeThree() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThat(bench("127.0.0.1", String.valueOf(port), "-n", "10")).isEqualTo(ExitCodes.REFUSED);
    assertThat(err.toString()).contains("connection refused");
  }
}
