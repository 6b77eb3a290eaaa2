package io.tsecho.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.testing.TsechoProcess;
import io.tsecho.testing.TsechoProcess.Result;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The services against real programs and the real executable: rdate (always with -p, which only
 * prints), netcat-openbsd's nc -u, a Python client in the tutorial's style, and tsecho's own client.
 * .ci/run installs rdate and netcat-openbsd where they are missing.
 */
class PeersIT {
  private static final String STAMP = "\\[\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\] ";
  private static TsechoProcess server;

  @BeforeAll
  static void start() throws Exception {
    server = TsechoProcess.serve(
        "--listen", "stamp/tcp/*:0", "--listen", "stamp/udp/*:0",
        "--listen", "echo/udp/*:0", "--listen", "time/tcp/*:0", "--listen", "time/udp/*:0",
        "--listen", "daytime/tcp/*:0", "--zone", "UTC");
  }

  @AfterAll
  static void stop() throws Exception {
    assertThat(server.terminate()).isZero();
  }

  private static Result sh(String command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("sh", "-c", command);
    builder.environment().merge("PATH", ":/usr/sbin:/sbin", String::concat); // rdate lives in sbin
    Process p = builder.start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("did not finish in 30 s: " + command);
    }
    return new Result(p.exitValue(), p.getInputStream().readAllBytes(), new String(p.getErrorStream().readAllBytes(), ISO_8859_1));
  }

  @Test
  void everyListenerPrintsItsLine() {
    assertThat(server.stderr())
        .containsPattern("listening on stamp/tcp/\\[::\\]:\\d+ \\(framing auto, backlog \\d+, time format ctime, transport \\w+, \\d+ event loops\\)")
        .containsPattern("listening on stamp/udp/\\[::\\]:\\d+ \\(time format ctime, udp rate 20/s per source, budget 5000/s,")
        .containsPattern("listening on time/tcp/\\[::\\]:\\d+ \\(backlog \\d+, transport")
        .containsPattern("listening on echo/udp/\\[::\\]:\\d+");
  }

  @Test
  void rdateReadsTheTimeServiceOverTcpOnIpv4AndIpv6() throws Exception {
    int port = server.port("time/tcp");
    int year = ZonedDateTime.now(ZoneOffset.UTC).getYear();
    for (String host : new String[] {"-4 127.0.0.1", "-6 ::1"}) {
      Result r = sh("rdate -p " + host.split(" ")[0] + " -o " + port + " " + host.split(" ")[1]);
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.out()).contains(String.valueOf(year));
    }
  }

  @Test
  void rdateReadsTheTimeServiceOverUdp() throws Exception {
    Result r = sh("rdate -p -u -o " + server.port("time/udp") + " 127.0.0.1");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.out()).contains(String.valueOf(ZonedDateTime.now(ZoneOffset.UTC).getYear()));
  }

  @Test
  void netcatGetsUdpStampsAndEchoesOnIpv4AndIpv6() throws Exception {
    for (String host : new String[] {"127.0.0.1", "::1"}) {
      Result stamp = sh("printf 'nc says hi\\n' | nc -u -w1 " + host + " " + server.port("stamp/udp"));
      assertThat(stamp.out()).matches(STAMP + "nc says hi\n");
      Result echo = sh("printf 'nc echo' | nc -u -w1 " + host + " " + server.port("echo/udp"));
      assertThat(echo.out()).isEqualTo("nc echo");
    }
  }

  @Test
  void aClassicPythonUdpClientGetsItsStamp() throws Exception {
    String script = TsechoProcess.resource("classic/udp_client.py").toString();
    for (String host : new String[] {"127.0.0.1", "::1"}) {
      Result r = sh("python3 " + script + " " + host + " " + server.port("stamp/udp") + " 'sendto recvfrom'");
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.out()).matches(STAMP + "sendto recvfrom");
    }
  }

  @Test
  void tsechoClientReadsTheTimeAndDaytimeServices() throws Exception {
    Result time = TsechoProcess.run(new byte[0], 30, "client", "--service", "time", "127.0.0.1",
        String.valueOf(server.port("time/tcp")));
    assertThat(time.exitCode()).as(time.stderr()).isZero();
    assertThat(time.out()).containsPattern("time/tcp 127\\.0\\.0\\.1:\\d+: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ "
        + "\\(RFC 868 value \\d+, era 0\\)\noffset: [+-]\\d\\.\\d{3} s ± \\d\\.\\d{3} s");
    assertThat(offsetSeconds(time.out())).isBetween(-1.5, 1.5);

    Result udp = TsechoProcess.run(new byte[0], 30, "client", "--service", "time", "--udp", "::1",
        String.valueOf(server.port("time/udp")));
    assertThat(udp.exitCode()).as(udp.stderr()).isZero();
    assertThat(offsetSeconds(udp.out())).isBetween(-1.5, 1.5);

    Result daytime = TsechoProcess.run(new byte[0], 30, "client", "--service", "daytime", "::1",
        String.valueOf(server.port("daytime/tcp")));
    assertThat(daytime.exitCode()).as(daytime.stderr()).isZero();
    assertThat(daytime.out()).contains("(ctime, read in the local zone");
  }

  private static double offsetSeconds(String out) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("offset: ([+-]\\d+\\.\\d+) s").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void tsechoUdpClientSendsOneDatagramPerLine() throws Exception {
    Result r = TsechoProcess.run("one\ntwo\n".getBytes(ISO_8859_1), 30, "client", "--udp", "127.0.0.1",
        String.valueOf(server.port("stamp/udp")));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.out()).matches(STAMP + "one\n" + STAMP + "two\n");
  }

  @Test
  void aDatagramWithoutReplyIsReportedAndTheExitCodeSaysSo() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      Result r = TsechoProcess.run("lost\n".getBytes(ISO_8859_1), 30, "client", "--udp", "--timeout", "200ms",
          "--retries", "1", "127.0.0.1", String.valueOf(silent.getLocalPort()));
      assertThat(r.exitCode()).isEqualTo(ExitCodes.DATAGRAMS_LOST);
      assertThat(r.stderr()).isEqualTo("tsecho: no reply to datagram 1 from 127.0.0.1:" + silent.getLocalPort()
          + " after 2 tries of 200 ms\ntsecho: 1 of 1 datagram(s) got no reply\n");
    }
  }
}
