package io.tsecho.internal.cli;

import static io.tsecho.testing.Program.PYTHON3;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsecho.testing.Loopback;
import io.tsecho.testing.Replies;
import io.tsecho.testing.RequiresPrograms;
import io.tsecho.testing.TsechoProcess;
import io.tsecho.testing.TsechoProcess.Result;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code java -jar target/tsecho.jar}, as users and scripts run it. */
class ExecutableIT {
  private static final String STAMP = "\\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\] ";

  private static byte[] bytes(String s) {
    return s.getBytes(ISO_8859_1);
  }

  private static void assertNoStackTrace(String stderr) {
    assertThat(stderr).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void serverAndPipeClientEndToEndThenSigtermExitsZero() throws Exception {
    try (TsechoProcess server = TsechoProcess.serve("--host", "127.0.0.1", "--port", "0")) {
      assertThat(server.stderr()).containsPattern(
          "tsecho: listening on stamp/tcp/127\\.0\\.0\\.1:\\d+ \\(framing auto, backlog \\d+, time format ctime, transport epoll, \\d+ event loops\\)");

      Result r = TsechoProcess.run(bytes("a\nb\n"), 30, "client", "127.0.0.1", String.valueOf(server.port()));
      assertThat(r.exitCode()).isZero();
      assertThat(r.out()).matches("(?s)" + STAMP + "a\n" + STAMP + "b\n");
      assertThat(r.stderr()).isEmpty();

      assertThat(server.terminate()).isZero();
      // Each reply is a 27-byte ctime prefix plus the line.
      assertThat(server.stderr()).containsPattern(
          "closed stamp/tcp peer=127\\.0\\.0\\.1:\\d+ local=127\\.0\\.0\\.1:\\d+ in=4B out=58B messages=2 duration=\\d+ms reason=peer closed");
      assertNoStackTrace(server.stderr());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Loopback.IPV4, Loopback.IPV6})
  void pipeModeSendsEmptyLinesAndATrailingPieceToo(String host) throws Exception {
    Loopback.assumeAvailable(host);
    try (TsechoProcess server = TsechoProcess.serve("--port", "0", "--time-format", "epoch-s", "-q")) {
      Result r = TsechoProcess.run(bytes("\n\nlast"), 30, "client", host, String.valueOf(server.port()));
      assertThat(r.exitCode()).isZero();
      assertThat(r.out()).matches("\\[\\d{10}\\] \n\\[\\d{10}\\] \n\\[\\d{10}\\] last");
    }
  }

  @Test
  void aPortInUseIsOneLineAndExitCodeEight() throws Exception {
    try (TsechoProcess first = TsechoProcess.serve("--port", "0")) {
      Result r = TsechoProcess.run(new byte[0], 30, "serve", "--port", String.valueOf(first.port()));
      assertThat(r.exitCode()).isEqualTo(ExitCodes.ADDRESS_IN_USE);
      assertThat(r.stderr()).isEqualTo("tsecho: cannot listen on tcp/*:" + first.port()
          + ": address already in use (another server holds the port; pick another with --port)\n");
    }
  }

  /** The stderr check of every server test: a warning nobody expected fails the test that caused it. */
  @Test
  void aServerWarningTheTestDidNotDeclareFailsIt() throws Exception {
    try (TsechoProcess server = TsechoProcess.serve("--host", "127.0.0.1", "--port", "0", "--max-connections", "1")) {
      refuseOneConnection(server.port());
      assertThatThrownBy(server::terminate).isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("the server logged 1 unexpected line(s)")
          .hasMessageContaining(" WARN  ").hasMessageContaining("1 connections refused over the limit of 1 in the last 10 s");
    }
  }

  @Test
  void aServerWarningTheTestDeclaredPasses() throws Exception {
    try (TsechoProcess server = TsechoProcess.serve("--host", "127.0.0.1", "--port", "0", "--max-connections", "1")
        .expectLog("connections refused over the limit of 1 ")) {
      refuseOneConnection(server.port());
      assertThat(server.terminate()).isZero();
      assertThat(server.stderr()).contains("1 connections refused over the limit of 1 in the last 10 s");
    }
  }

  private static void refuseOneConnection(int port) throws Exception {
    try (Socket served = new Socket("127.0.0.1", port)) {
      served.setSoTimeout(30_000);
      served.getOutputStream().write(bytes("in\n"));
      assertThat(Replies.payload(Replies.readLine(served.getInputStream()))).isEqualTo("in\n"); // admitted
      try (Socket refused = new Socket("127.0.0.1", port)) {
        refused.setSoTimeout(30_000);
        assertThat(Replies.readToEnd(refused)).isEqualTo("tsecho error: too many connections (limit 1); closing\n");
      }
    }
  }

  @Test
  void aBadOptionIsExitCodeTwoWithoutStackTrace() throws Exception {
    Result r = TsechoProcess.run(new byte[0], 30, "serve", "--framing", "words");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).startsWith("tsecho: Invalid value for option '--framing'");
    assertNoStackTrace(r.stderr());
  }

  @Test
  void aRefusedConnectionIsExitCodeThree() throws Exception {
    try (Socket refusing = Loopback.refusingPort()) {
      int port = refusing.getLocalPort();
      Result r = TsechoProcess.run(bytes("x\n"), 30, "client", "127.0.0.1", String.valueOf(port));
      assertThat(r.exitCode()).isEqualTo(ExitCodes.REFUSED);
      assertThat(r.stderr()).isEqualTo("tsecho: cannot connect to 127.0.0.1:" + port + ": connection refused\n");
    }
  }

  @Test
  void anUnknownHostIsExitCodeFour() throws Exception {
    Result r = TsechoProcess.run(bytes("x\n"), 60, "client", "no-such-host.invalid", "21566");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.UNKNOWN_HOST);
    assertThat(r.stderr()).isEqualTo("tsecho: unknown host: no-such-host.invalid\n");
  }

  /** A listener whose accept queue is full drops new SYNs, so connecting hangs until the time-out. */
  @Test
  void aConnectTimeOutIsExitCodeSix() throws Exception {
    try (ServerSocket full = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      List<Socket> queued = new ArrayList<>();
      try {
        fillAcceptQueue(full, queued);
        Result r = TsechoProcess.run(bytes("x\n"), 30,
            "client", "127.0.0.1", String.valueOf(full.getLocalPort()), "--connect-timeout", "300ms");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.TIMEOUT);
        assertThat(r.stderr()).isEqualTo(
            "tsecho: cannot connect to 127.0.0.1:" + full.getLocalPort() + ": timed out after 300 ms\n");
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
  }

  private static void fillAcceptQueue(ServerSocket full, List<Socket> queued) throws Exception {
    for (int i = 0; i < 64; i++) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(full.getInetAddress(), full.getLocalPort()), 200);
        queued.add(s);
      } catch (java.net.SocketTimeoutException e) {
        s.close();
        return; // the queue is full
      }
    }
    throw new AssertionError("the accept queue never filled up");
  }

  @Test
  void aSilentServerIsExitCodeSix() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try (Socket s = silent.accept()) {
          Thread.sleep(10_000);
        } catch (Exception ignored) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      long start = System.nanoTime();
      Result r = TsechoProcess.run(bytes("x\n"), 30,
          "client", "127.0.0.1", String.valueOf(silent.getLocalPort()), "--timeout", "500ms");
      assertThat(r.exitCode()).isEqualTo(ExitCodes.TIMEOUT);
      assertThat(r.stderr()).isEqualTo("tsecho: no reply from 127.0.0.1:" + silent.getLocalPort() + " within 500 ms\n");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(500);
    }
  }

  @Test
  void aServerThatClosesWithoutAnsweringIsExitCodeSeven() throws Exception {
    try (ServerSocket rude = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try (Socket s = rude.accept()) {
          s.getInputStream().readNBytes(4); // "a\nb\n", then close without a word
        } catch (Exception ignored) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      Result r = TsechoProcess.run(bytes("a\nb\n"), 30, "client", "127.0.0.1", String.valueOf(rude.getLocalPort()));
      assertThat(r.exitCode()).isEqualTo(ExitCodes.CONNECTION_LOST);
      assertThat(r.stderr()).isEqualTo(
          "tsecho: server 127.0.0.1:" + rude.getLocalPort() + " closed the connection with 2 line(s) unanswered\n");
    }
  }

  /** The client talks to the origin tutorial's own server, made to run on Python 3. */
  @Test
  @RequiresPrograms(PYTHON3)
  void theClientTalksToTheClassicPythonServer() throws Exception {
    Process python = new ProcessBuilder(PYTHON3.path(), TsechoProcess.resource("classic/tsTserv3.py").toString(), "0").start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), ISO_8859_1))) {
      Matcher m = Pattern.compile("PORT (\\d+)").matcher(String.valueOf(out.readLine()));
      assertThat(m.matches()).as("the classic server's port line").isTrue();
      Result r = TsechoProcess.run(bytes("hello, classic\n"), 30, "client", "127.0.0.1", m.group(1));
      assertThat(r.exitCode()).isZero();
      assertThat(r.out()).matches(STAMP + "hello, classic\n");
    } finally {
      python.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void helpAndVersionExitZero() throws Exception {
    Result help = TsechoProcess.run(new byte[0], 30, "serve", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Usage: tsecho serve", "--framing=MODE");
    Result version = TsechoProcess.run(new byte[0], 30, "--version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).startsWith("tsecho 0.");
  }
}
