package io.tsecho.internal.client.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import io.tsecho.config.UdpLimits;
import io.tsecho.internal.cli.ExitCodes;
import io.tsecho.internal.cli.TsechoCommand;
import io.tsecho.internal.client.ConnectOptions;
import io.tsecho.testing.Loopback;
import io.tsecho.testing.ReplyServer;
import io.tsecho.testing.ReplyServer.Fault;
import io.tsecho.testing.TestServer;
import io.tsecho.testing.TsechoProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code tsecho bench}, run in-process through its command line, against real servers on loopback. */
class BenchIT {
  /** Long enough for a loaded machine; a run that hangs fails here instead of blocking the build. */
  private static final Duration HANG = Duration.ofSeconds(60);

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return TsechoCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  private int bench(String... args) {
    List<String> all = new ArrayList<>(List.of("bench"));
    all.addAll(List.of(args));
    return assertTimeoutPreemptively(HANG, () -> run(all.toArray(new String[0])));
  }

  /** Runs bench against an in-process tsecho server, checks that it exited 0, and returns its output. */
  private String benchOk(String... args) throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO)) {
      List<String> all = new ArrayList<>(List.of("127.0.0.1", String.valueOf(server.port())));
      all.addAll(List.of(args));
      assertThat(bench(all.toArray(new String[0]))).as(err.toString()).isZero();
      return out.toString();
    }
  }

  /** Runs bench on one connection to a server that misbehaves every hundredth reply; checks that it exited 12. */
  private String benchCaught(Fault fault, String... args) throws Exception {
    try (ReplyServer server = ReplyServer.start(0, fault, 100)) {
      List<String> all = new ArrayList<>(List.of("127.0.0.1", String.valueOf(server.port()), "-c", "1", "--warmup", "0"));
      all.addAll(List.of(args));
      assertThat(bench(all.toArray(new String[0]))).as(out.toString()).isEqualTo(ExitCodes.BENCH_ERRORS);
      return out.toString();
    }
  }

  private static long number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("%s in %s", regex, text).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void exactlyTheRequestedNumberOfRequestsAllAnswered() throws Exception {
    assertThat(benchOk("-n", "10000", "-c", "4", "-d", "8", "--warmup", "0", "--json"))
        .contains("\"transport\":\"" + (IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio")
            + "\",")
        .contains("\"requests\":10000,").contains("\"bytes_sent\":640000,")
        .contains("\"latency\":{\"count\":10000,")
        .contains("\"errors\":{\"total\":0,\"wrong\":0,\"missing\":0,\"extra\":0,\"late\":0}")
        .contains("\"connections_failed\":0,\"connections_lost\":0,\"stopped\":false,\"ok\":true")
        .doesNotContain("send_lag");
  }

  @Test
  void requestsThatDoNotDivideEvenlyAmongTheConnectionsAreAllSent() throws Exception {
    assertThat(benchOk("-n", "1001", "-c", "3", "-d", "2", "--warmup", "0", "--json"))
        .contains("\"requests\":1001,").contains("\"ok\":true");
  }

  @Test
  void udpRequestsAreCountedExactlyToo() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.tcp(false).udp(true)
        .udpLimits(new UdpLimits(0, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM)))) {
      int code = bench("127.0.0.1", String.valueOf(server.port()), "--udp", "-n", "3000", "-c", "3", "-d", "2",
          "--warmup", "0", "--json");
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).as("auto over UDP: epoll where it loads, else NIO")
          .contains("\"transport\":\"" + (Epoll.isAvailable() ? "epoll" : "nio") + "\",")
          .contains("\"requests\":3000,").contains("\"ok\":true");
      out.getBuffer().setLength(0);
      assertThat(bench("127.0.0.1", String.valueOf(server.port()), "--udp", "--transport", "nio", "-n", "300", "-c",
          "3", "--warmup", "0", "--json")).as(err.toString()).isZero();
      assertThat(out.toString()).contains("\"transport\":\"nio\",").contains("\"requests\":300,")
          .contains("\"ok\":true");
    }
  }

  @Test
  void aFixedRateRunOfNRequestsSendsThemAllAndReportsItsSendLag() throws Exception {
    assertThat(benchOk("--rate", "2000", "-n", "1000", "-c", "2", "--warmup", "0", "--json"))
        .contains("\"rate\":2000.000,").contains("\"requests\":1000,")
        .contains("\"send_lag\":{\"count\":1000,").containsPattern("\"generator_late\":(true|false),");
  }

  /** Each native transport, asked for by name whatever auto picks here: the same counts, pacing and refusal. */
  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"EPOLL", "IO_URING"})
  void overEachNativeTransportEveryRequestIsAnsweredPacedRunsKeepTheirCountAndARefusalIsNamedAlike(
      Transport transport) throws Exception {
    TestServer.assumeAvailable(transport);
    String name = transport.name().toLowerCase(Locale.ROOT);
    assertThat(benchOk("--transport", name, "-n", "10000", "-c", "4", "-d", "8", "--warmup", "0", "--json"))
        .contains("\"transport\":\"" + name + "\",").contains("\"requests\":10000,")
        .contains("\"bytes_sent\":640000,")
        .contains("\"latency\":{\"count\":10000,")
        .contains("\"errors\":{\"total\":0,\"wrong\":0,\"missing\":0,\"extra\":0,\"late\":0}")
        .contains("\"connections_failed\":0,\"connections_lost\":0,\"stopped\":false,\"ok\":true");
    out.getBuffer().setLength(0);
    assertThat(benchOk("--transport", name, "--rate", "2000", "-n", "1000", "-c", "2", "--warmup", "0", "--json"))
        .contains("\"transport\":\"" + name + "\",").contains("\"requests\":1000,")
        .contains("\"send_lag\":{\"count\":1000,").contains("\"ok\":true");
    err.getBuffer().setLength(0); // a paced run on a loaded machine may have warned that it sent late
    try (Socket refusing = Loopback.refusingPort()) {
      int port = refusing.getLocalPort();
      assertThat(bench("127.0.0.1", String.valueOf(port), "--transport", name, "-n", "10"))
          .isEqualTo(ExitCodes.REFUSED);
      assertThat(err.toString()).isEqualTo("tsecho: cannot connect to 127.0.0.1:" + port + ": connection refused\n");
    }
  }

  @Test
  void aShardRunsItsPartAndBeginsAtItsStartWithTheRunsSettingsInItsLog(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("shard.hlog");
    Instant start;
    String report;
    try (TestServer server = TestServer.start(Transport.AUTO)) {
      start = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
      assertThat(bench("127.0.0.1", String.valueOf(server.port()), "-c", "5", "--rate", "101", "--shard", "1/2",
          "--start-at", start.toString(), "--warmup", "0", "-t", "1s", "--hdr-log", log.toString()))
          .as(err.toString()).isZero();
      report = out.toString();
    }
    assertThat(report).contains(": 2 connection(s) x 1 in flight, 64-byte requests, 50 requests/s scheduled");
    assertThat(Files.readAllLines(log)).contains("#tsecho-bench connections=5", "#tsecho-bench rate=101",
        "#tsecho-bench shards=2", "#tsecho-bench start-at=" + start, "#tsecho-bench shard=1",
        "#tsecho-bench shard-connections=2", "#tsecho-bench shard-rate=50", "#tsecho-result connections-lost=0");
    try (HistogramLogReader reader = new HistogramLogReader(log.toFile())) {
      EncodableHistogram first = reader.nextIntervalHistogram();
      assertThat(first).isNotNull();
      assertThat(first.getStartTimeStamp()).as("measured from --start-at on")
          .isGreaterThanOrEqualTo(start.toEpochMilli());
    }
  }

  @Test
  void aTimedRunAtAFixedRateWritesTheLogAndThePlot(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("latency.hlog");
    Path png = dir.resolve("latency.png");
    String report = benchOk("--rate", "1000", "-c", "2", "-t", "2s", "--warmup", "0", "--hdr-log", log.toString(),
        "--plot", png.toString());
    assertThat(report).contains("1000 requests/s scheduled").contains("\nlatency (from intended send time) p50 ")
        .contains("\nsend lag (actual minus intended send time) p50 ");
    // Requests are meant to leave at 0, 1, ... 1999 ms: never more, however the machine is loaded.
    assertThat(number(report, "(\\d+) requests in")).isBetween(1L, 2000L);
    assertThat(Files.readAllLines(log)).anyMatch(l -> l.startsWith("#[Histogram log format version"))
        .anyMatch(l -> l.matches("\\d+\\.\\d+,\\d+\\.\\d+,\\d+\\.\\d+,HISTF.*"));
    byte[] image = Files.readAllBytes(png);
    assertThat(image).hasSizeGreaterThan(1000);
    assertThat(Arrays.copyOf(image, 4)).containsExactly(0x89, 'P', 'N', 'G');
  }

  @Test
  void everyMeasuredReplyIsInTheLatencyHistogramFromTheFirstMomentAfterTheWarmUp() throws Exception {
    assertThat(benchOk("-n", "20000", "-c", "4", "-d", "4", "--warmup", "1s", "--json"))
        .contains("\"requests\":20000,").contains("\"latency\":{\"count\":20000,");
  }

  @Test
  void aServerThatDropsEveryHundredthReplyIsCaught() throws Exception {
    // Four in flight: each dropped reply is noticed when the next one arrives, not by a time-out.
    assertThat(benchCaught(Fault.DROP, "-n", "999", "-d", "4"))
        .contains("990 requests in").contains("errors 9: wrong 0, missing 9, extra 0, late 0");
  }

  /** Only the last reply is dropped, so the run waits out the default 5 s time-out once; no answer is that slow. */
  @Test
  void aReplyThatNeverComesIsMissingOnceItsTimeOutHasPassed() throws Exception {
    assertThat(benchCaught(Fault.DROP, "-n", "100", "-d", "1"))
        .contains("99 requests in").contains("errors 1: wrong 0, missing 1, extra 0, late 0");
  }

  @Test
  void aServerThatCorruptsAPayloadByteIsCaught() throws Exception {
    assertThat(benchCaught(Fault.CORRUPT, "-n", "1000", "-d", "4"))
        .contains("990 requests in").contains("errors 10: wrong 10, missing 0, extra 0, late 0");
  }

  @Test
  void aServerThatAnswersTwiceIsCaught() throws Exception {
    // 999 requests: every doubled reply is followed by more, so none is left unread when the run ends.
    assertThat(benchCaught(Fault.TWICE, "-n", "999", "-d", "1"))
        .contains("999 requests in").contains("errors 9: wrong 0, missing 0, extra 9, late 0");
  }

  @Test
  void anEchoServerIsCheckedByteForByte() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.service(Service.ECHO))) {
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
  void aRunEndsAndSaysSoWhenEveryConnectionIsLost() throws Exception {
    try (ServerSocket rude = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread closer = new Thread(() -> {
        while (!rude.isClosed()) {
          try (Socket s = rude.accept()) {
            // accepted and closed without a word
          } catch (Exception e) {
            return;
          }
        }
      }, "rude-server");
      closer.setDaemon(true);
      closer.start();
      int code = bench("127.0.0.1", String.valueOf(rude.getLocalPort()), "-n", "1000", "-c", "2", "--warmup", "0");
      assertThat(code).as(err.toString()).isEqualTo(ExitCodes.BENCH_ERRORS);
      assertThat(out.toString()).contains("\n0 requests in ").contains("; connections failed 0, lost 2\n");
      out.getBuffer().setLength(0);
      // A timed run ends too, with the time it measured.
      code = bench("127.0.0.1", String.valueOf(rude.getLocalPort()), "-t", "50s", "-c", "2", "--warmup", "0");
      assertThat(code).as(err.toString()).isEqualTo(ExitCodes.BENCH_ERRORS);
      assertThat(out.toString()).contains("; connections failed 0, lost 2\n");
      double seconds = Double.parseDouble(out.toString().replaceAll("(?s).*\n0 requests in (\\d+\\.\\d+) s.*", "$1"));
      assertThat(seconds).isLessThan(50);
    }
  }

  @Test
  void aRunOfNRequestsSendsThemAllWhenTheClockIsNegative() throws Exception {
    // System.nanoTime() may have any origin; here it is 2^62 ns before the real one.
    try (TestServer server = TestServer.start(Transport.AUTO)) {
      BenchOptions options = new BenchOptions("127.0.0.1", server.port(), 2, 2, 64, Duration.ofSeconds(10), 500,
          Duration.ofMillis(100), false, 0, 1, Duration.ofSeconds(5), Duration.ofSeconds(5), Service.STAMP,
          Transport.AUTO);
      BenchReport report = assertTimeoutPreemptively(HANG,
          () -> new LoadGenerator(options, ConnectOptions.PLAIN, () -> System.nanoTime() - (1L << 62)).run(i -> { }));
      assertThat(report.requests()).isEqualTo(500);
      assertThat(report.errors()).isZero();
    }
  }

  @Test
  void aRefusedServerIsExitCodeThreeAndNamedAsTheClientNamesIt() throws Exception {
    try (Socket refusing = Loopback.refusingPort()) {
      int port = refusing.getLocalPort();
      String line = "tsecho: cannot connect to 127.0.0.1:" + port + ": connection refused\n";
      assertThat(bench("127.0.0.1", String.valueOf(port), "-n", "10")).isEqualTo(ExitCodes.REFUSED);
      assertThat(err.toString()).isEqualTo(line);
      err.getBuffer().setLength(0);
      assertThat(run("client", "127.0.0.1", String.valueOf(port))).isEqualTo(ExitCodes.REFUSED);
      assertThat(err.toString()).isEqualTo(line);
      err.getBuffer().setLength(0);
      assertThat(run("ping", "-c", "1", "127.0.0.1", String.valueOf(port))).isEqualTo(ExitCodes.REFUSED);
      assertThat(err.toString()).isEqualTo(line);
    }
  }

  @Test
  void ctrlCEndsARunWithTheReportOfWhatItMeasured(@TempDir Path dir) throws Exception {
    stoppedBySignal(dir, "INT");
  }

  @Test
  void sigtermEndsARunWithTheReportOfWhatItMeasured(@TempDir Path dir) throws Exception {
    stoppedBySignal(dir, "TERM");
  }

  /** Whether a process ignores a signal, from the SigIgn mask in /proc (Linux); false where there is none. */
  private static boolean ignores(long pid, String signal) throws Exception {
    Path status = Path.of("/proc", String.valueOf(pid), "status");
    if (!Files.exists(status)) {
      return false;
    }
    int number = signal.equals("INT") ? 2 : 15;
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << (number - 1))) != 0;
      }
    }
    return false;
  }

  /** A 60 s run of the real executable, signalled once its first measured second is logged. */
  private static void stoppedBySignal(Path dir, String signal) throws Exception {
    Path log = dir.resolve("latency.hlog");
    Path stdout = dir.resolve("out.txt");
    try (TestServer server = TestServer.start(Transport.AUTO)) {
      Process bench = new ProcessBuilder(TsechoProcess.command("bench", "127.0.0.1", String.valueOf(server.port()),
          "-c", "2", "-t", "60s", "--warmup", "0", "--hdr-log", log.toString()))
          .redirectOutput(stdout.toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(log) && Files.readString(log).contains("HISTF"))) {
          assertThat(bench.isAlive()).as("bench exited early").isTrue();
          assertThat(System.nanoTime() - deadline).as("no measured second logged within 30 s").isNegative();
          Thread.sleep(50);
        }
        assumeFalse(ignores(bench.pid(), signal), "SIG" + signal + " is ignored in this environment (a shell without"
            + " job control ignores it in its background commands and their children), so it cannot reach bench");
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(bench.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(bench.waitFor(30, TimeUnit.SECONDS)).as("bench still running after SIG%s", signal).isTrue();
      } finally {
        bench.destroyForcibly();
      }
      String report = Files.readString(stdout, StandardCharsets.UTF_8);
      assertThat(bench.exitValue()).as(report + Files.readString(dir.resolve("err.txt"))).isEqualTo(ExitCodes.OK);
      assertThat(report).contains("closed loop").containsPattern("\n[1-9]\\d* requests in \\d+\\.\\d{3} s: ")
          .contains(" (stopped early)\n").contains("errors 0: wrong 0, missing 0, extra 0, late 0");
      double seconds = Double.parseDouble(report.replaceAll("(?s).*requests in (\\d+\\.\\d+) s.*", "$1"));
      assertThat(seconds).isLessThan(60);
    }
  }
}
