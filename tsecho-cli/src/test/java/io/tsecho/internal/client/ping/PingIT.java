package io.tsecho.internal.client.ping;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.ClientConfig;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import io.tsecho.config.UdpLimits;
import io.tsecho.internal.cli.TsechoCommand;
import io.tsecho.internal.server.TsechoServer;
import io.tsecho.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code tsecho ping}'s engine against real servers on loopback. */
class PingIT {
  private static PingOptions options(int port, boolean udp, Service service, long count) {
    return new PingOptions(new ClientConfig("127.0.0.1", port, Duration.ofSeconds(5), Duration.ofSeconds(2)), udp,
        service, Duration.ofMillis(20), count, Duration.ofSeconds(2), ZoneId.systemDefault());
  }

  @Test
  void countsAreExactOverTcpAndUdp() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.udp(true).timeFormat("epoch-us"))) {
      for (boolean udp : new boolean[] {false, true}) {
        List<ProbeResult> probes = new ArrayList<>();
        PingReport report = new Pinger(options(server.port(), udp, Service.STAMP, 5)).run(() -> false, probes::add);
        assertThat(report.sent()).isEqualTo(5);
        assertThat(report.received()).isEqualTo(5);
        assertThat(report.lost()).isZero();
        assertThat(probes).extracting(ProbeResult::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(probes).allMatch(p -> p.stamp() != null && p.stamp().format().equals("epoch-us"));
        assertThat(report.roundTrip().count()).isEqualTo(5);
        assertThat(report.best()).isNotNull();
        assertThat(report.lines().get(1)).isEqualTo(
            String.format(java.util.Locale.ROOT, "5 sent, 5 received, 0 lost (0.0%% loss), time %d ms", report.elapsed().toMillis()));
      }
    }
  }

  @Test
  void theOffsetOfAServerWhoseClockIsShiftedIsFoundWithinItsBound() throws Exception {
    Duration shift = Duration.ofMillis(4_321);
    Clock shifted = Clock.offset(Clock.systemUTC(), shift);
    for (String format : new String[] {"rfc3339", "ctime", "epoch-ms"}) {
      ServerConfig config = ServerConfig.builder().port(0).timeFormat(format).zone(ZoneId.systemDefault()).build();
      try (TsechoServer server = TsechoServer.start(config, shifted)) {
        PingReport report = new Pinger(options(server.localAddress().getPort(), false, Service.STAMP, 5))
            .run(() -> false, p -> { });
        OffsetSample best = report.best();
        assertThat(report.stampFormat()).isEqualTo(format);
        Duration error = best.offset().minus(shift).abs();
        assertThat(error).as("%s: offset %s, bound %s", format, best.offset(), best.bound()).isLessThanOrEqualTo(best.bound());
        if (format.equals("ctime")) {
          assertThat(best.bound()).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        } else {
          assertThat(best.bound()).isLessThan(Duration.ofMillis(100));
        }
      }
    }
  }

  @Test
  void echoModeMeasuresRoundTripsOnly() throws Exception {
    try (TestServer server = TestServer.start(Transport.AUTO, b -> b.service(Service.ECHO).udp(true)
        .udpLimits(new UdpLimits(0, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM)))) {
      for (boolean udp : new boolean[] {false, true}) {
        List<ProbeResult> probes = new ArrayList<>();
        PingReport report = new Pinger(options(server.port(), udp, Service.ECHO, 3)).run(() -> false, probes::add);
        assertThat(report.received()).isEqualTo(3);
        assertThat(report.best()).isNull();
        assertThat(probes).allMatch(p -> p.stampText() == null && p.roundTrip() != null);
      }
    }
  }

  /** Stamps bigger than a long: 19 digits overflow it, 20 are beyond any epoch count. */
  @Test
  void aStampThatCannotBeReadIsReportedAsSuchAndPingGoesOn() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread answering = new Thread(() -> {
        try (Socket s = server.accept()) {
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), US_ASCII));
          OutputStream out = s.getOutputStream();
          String[] stamps = {"9999999999999999999", "99999999999999999999"};
          for (int i = 0; i < 2; i++) {
            out.write(("[" + stamps[i] + "] " + in.readLine() + "\n").getBytes(US_ASCII));
            out.flush();
          }
          in.readLine(); // until ping closes
        } catch (Exception e) {
          // the test is over
        }
      }, "odd-stamp-server");
      answering.setDaemon(true);
      answering.start();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = TsechoCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
          .execute("ping", "-c", "2", "-i", "50ms", "127.0.0.1", String.valueOf(server.getLocalPort()));
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString())
          .startsWith("TSECHO PING 127.0.0.1:" + server.getLocalPort() + " over tcp (stamp service)\n")
          .containsPattern("\nseq=1 rtt=\\d+\\.\\d{3} ms stamp=9999999999999999999 \\(unreadable\\)\n")
          .containsPattern("\nseq=2 rtt=\\d+\\.\\d{3} ms stamp=99999999999999999999 \\(unreadable\\)\n")
          .contains("\n2 sent, 2 received, 0 lost (0.0% loss), ")
          .contains("\noffset unknown: no stamp in a format tsecho reads\n");
    }
  }

  @Test
  void aSilentServerLosesEveryProbeAndStopIsObeyed() throws Exception {
    try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      PingOptions o = new PingOptions(new ClientConfig("127.0.0.1", silent.getLocalPort(), Duration.ofSeconds(1),
          Duration.ofMillis(100)), true, Service.STAMP, Duration.ofMillis(10), 3, Duration.ofMillis(100),
          ZoneId.systemDefault());
      List<ProbeResult> probes = new ArrayList<>();
      PingReport report = new Pinger(o).run(() -> false, probes::add);
      assertThat(report.sent()).isEqualTo(3);
      assertThat(report.received()).isZero();
      assertThat(probes).allMatch(ProbeResult::lost);
      assertThat(new Pinger(o).run(() -> true, probes::add).sent()).as("stopped before the first probe").isZero();
    }
  }
}
