package io.tsecho.internal.cli;

import static io.tsecho.testing.Program.NC;
import static io.tsecho.testing.Program.PYTHON3;
import static io.tsecho.testing.Program.RDATE;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.testing.Loopback;
import io.tsecho.testing.Processes;
import io.tsecho.testing.RequiresPrograms;
import io.tsecho.testing.TsechoProcess;
import io.tsecho.testing.TsechoProcess.Result;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The services against real programs and the real executable: rdate (always with -p, which only
 * prints), netcat-openbsd's nc -u, a Python client in the tutorial's style, and tsecho's own client.
 * Each test that needs a program is skipped, with how to install it, where the program is missing.
 */
class PeersIT {
  private static final String STAMP = "\\[\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\] ";
  /**
   * What rdate -p prints: the remote time in the zone of its TZ, as date(1) or ctime() write it
   * ({@code Wed Nov 25 15:26:23 UTC 2026}, {@code Wed Nov 25 15:26:23 2026}), after an optional prefix.
   */
  private static final Pattern RDATE_TIME = Pattern.compile(
      "\\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\\w{3}) ([ \\d]\\d) (\\d\\d:\\d\\d:\\d\\d) (?:(UTC|GMT) )?(\\d{4})\\b");
  private static final DateTimeFormatter RDATE_FORMAT = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);
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

  /** {@code *} is dual stack, {@code [::]}; a machine without IPv6 may fall back to IPv4's {@code 0.0.0.0}. */
  @Test
  void everyListenerPrintsItsLine() {
    String any = Loopback.ipv6Problem().isEmpty() ? "\\[::\\]" : "(\\[::\\]|0\\.0\\.0\\.0)";
    assertThat(server.stderr())
        .containsPattern("listening on stamp/tcp/" + any + ":\\d+ \\(framing auto, backlog \\d+, time format ctime, transport \\w+, \\d+ event loops\\)")
        .containsPattern("listening on stamp/udp/" + any + ":\\d+ \\(time format ctime, udp rate 20/s per source, budget 5000/s,")
        .containsPattern("listening on time/tcp/" + any + ":\\d+ \\(backlog \\d+, transport")
        .containsPattern("listening on echo/udp/" + any + ":\\d+");
  }

  @ParameterizedTest
  @ValueSource(strings = {Loopback.IPV4, Loopback.IPV6})
  @RequiresPrograms(RDATE)
  void rdateReadsTheTimeServiceOverTcp(String host) throws Exception {
    Loopback.assumeAvailable(host);
    String family = host.contains(":") ? "-6" : "-4";
    assertRdateReadsNow(family, "-o", String.valueOf(server.port("time/tcp")), host);
  }

  @Test
  @RequiresPrograms(RDATE)
  void rdateReadsTheTimeServiceOverUdp() throws Exception {
    assertRdateReadsNow("-u", "-o", String.valueOf(server.port("time/udp")), Loopback.IPV4);
  }

  /**
   * The time rdate prints lies between the clock readings taken before and after it ran, give or take
   * the second that RFC 868 truncates and the second that rdate's ctime line resolves.
   */
  private static void assertRdateReadsNow(String... options) throws Exception {
    List<String> command = new ArrayList<>(List.of(RDATE.path(), "-p"));
    command.addAll(List.of(options));
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Result r = Processes.run(command, Map.of("TZ", "UTC"), new byte[0], 30);
    Instant after = Instant.now();
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Matcher m = RDATE_TIME.matcher(r.out());
    assertThat(m.find()).as("a UTC date in rdate's output: %s", r.out()).isTrue();
    Instant printed = LocalDateTime.parse(m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(5),
        RDATE_FORMAT).toInstant(ZoneOffset.UTC);
    assertThat(printed).as(r.out()).isBetween(before.minusSeconds(1), after.plusSeconds(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {Loopback.IPV4, Loopback.IPV6})
  @RequiresPrograms(NC)
  void netcatGetsUdpStampsAndEchoes(String host) throws Exception {
    Loopback.assumeAvailable(host);
    Result stamp = Processes.run(List.of(NC.path(), "-u", "-w1", host, String.valueOf(server.port("stamp/udp"))),
        "nc says hi\n".getBytes(ISO_8859_1), 30);
    assertThat(stamp.out()).as(stamp.stderr()).matches(STAMP + "nc says hi\n");
    Result echo = Processes.run(List.of(NC.path(), "-u", "-w1", host, String.valueOf(server.port("echo/udp"))),
        "nc echo".getBytes(ISO_8859_1), 30);
    assertThat(echo.out()).as(echo.stderr()).isEqualTo("nc echo");
  }

  @ParameterizedTest
  @ValueSource(strings = {Loopback.IPV4, Loopback.IPV6})
  @RequiresPrograms(PYTHON3)
  void aClassicPythonUdpClientGetsItsStamp(String host) throws Exception {
    Loopback.assumeAvailable(host);
    String script = TsechoProcess.resource("classic/udp_client.py").toString();
    Result r = Processes.run(List.of(PYTHON3.path(), script, host, String.valueOf(server.port("stamp/udp")),
        "sendto recvfrom"), new byte[0], 30);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.out()).matches(STAMP + "sendto recvfrom");
  }

  @ParameterizedTest
  @ValueSource(strings = {Loopback.IPV4, Loopback.IPV6})
  void tsechoClientReadsTheTimeAndDaytimeServices(String host) throws Exception {
    Loopback.assumeAvailable(host);
    String shown = host.contains(":") ? "(\\[::1\\]|::1)" : "127\\.0\\.0\\.1";
    Result time = TsechoProcess.run(new byte[0], 30, "client", "--service", "time", host,
        String.valueOf(server.port("time/tcp")));
    assertThat(time.exitCode()).as(time.stderr()).isZero();
    assertThat(time.out()).containsPattern("time/tcp " + shown + ":\\d+: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ "
        + "\\(RFC 868 value \\d+, era 0\\)\noffset: [+-]\\d\\.\\d{3} s ± \\d\\.\\d{3} s");
    assertThat(offsetSeconds(time.out())).isBetween(-1.5, 1.5);

    Result udp = TsechoProcess.run(new byte[0], 30, "client", "--service", "time", "--udp", host,
        String.valueOf(server.port("time/udp")));
    assertThat(udp.exitCode()).as(udp.stderr()).isZero();
    assertThat(offsetSeconds(udp.out())).isBetween(-1.5, 1.5);

    Result daytime = TsechoProcess.run(new byte[0], 30, "client", "--service", "daytime", host,
        String.valueOf(server.port("daytime/tcp")));
    assertThat(daytime.exitCode()).as(daytime.stderr()).isZero();
    assertThat(daytime.out()).contains("(ctime, read in the local zone");
  }

  private static double offsetSeconds(String out) {
    Matcher m = Pattern.compile("offset: ([+-]\\d+\\.\\d+) s").matcher(out);
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
