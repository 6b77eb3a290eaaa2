package io.tsecho.internal.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.testing.Await;
import io.tsecho.testing.TsechoProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real jar leaving a load balancer's rotation: SIGTERM fails /readyz at once, --drain-delay
 * keeps it serving, a second SIGTERM closes now; and with -Xrs, a stop through System.exit still
 * answers what clients sent before the JVM halts.
 */
class DrainIT {
  private static final Pattern ADMIN = Pattern.compile("tsecho: admin on http://127\\.0\\.0\\.1:(\\d+) ");
  private static final String STAMP = "\\[\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\] ";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> get(int adminPort, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.setSoTimeout(15_000);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return s;
  }

  private static String exchange(Socket s, String line) throws IOException {
    s.getOutputStream().write(line.getBytes(ISO_8859_1));
    return readLine(s.getInputStream());
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      line.write(b);
      if (b == '\n') {
        break;
      }
    }
    return line.toString(ISO_8859_1);
  }

  @Test
  void sigtermFailsReadinessServesThroughTheDelayAndASecondOneClosesNow() throws Exception {
    try (TsechoProcess server = TsechoProcess.serve("--host", "127.0.0.1", "--port", "0",
        "--admin", "127.0.0.1:0", "--drain-delay", "10m")) {
      int admin = Integer.parseInt(server.awaitStderr(ADMIN).group(1));
      assertThat(get(admin, "/readyz").statusCode()).isEqualTo(200);
      assertThat(get(admin, "/healthz").statusCode()).isEqualTo(200);
      try (Socket held = connect(server.port())) {
        assertThat(exchange(held, "before\n")).matches(STAMP + "before\n");

        server.sigterm();
        server.awaitStderr(Pattern.compile("draining: /readyz fails; serving 600\\.0 s more, then closing"));
        HttpResponse<String> ready = get(admin, "/readyz");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("draining\n");
        assertThat(get(admin, "/healthz").statusCode()).as("still serving").isEqualTo(200);
        assertThat(exchange(held, "during\n")).matches(STAMP + "during\n");
        try (Socket late = connect(server.port())) {
          assertThat(exchange(late, "new client\n")).as("a client that comes during the delay is served")
              .matches(STAMP + "new client\n");
        }
        // the late client is counted out once the server has read its end, which may follow our close
        awaitMetric(admin, "tsecho_connections_open{address=\"127.0.0.1:" + server.port()
            + "\",protocol=\"tcp\",service=\"stamp\"} 1.0\n");

        server.sigterm();
        assertThat(server.awaitExit(20)).as("a second SIGTERM cuts the 10 min delay short").isZero();
        assertThat(held.getInputStream().read()).as("closed by the server").isEqualTo(-1);
      }
      assertThat(server.stderr()).containsPattern("Drain - drained in [\\d.]+ (ms|s) \\(delay cut short\\): every"
          + " connection answered and closed");
    }
  }

  @Test
  void withSignalsReservedByTheJvmAStopStillAnswersWhatClientsSent() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xrs");
    command.add(TsechoProcess.PARANOID_LEAK_DETECTION);
    command.add("-cp");
    command.add(jar() + java.io.File.pathSeparator + testClasses());
    command.add("io.tsecho.testing.StopOnInput");
    // The trailing piece waits 10 s for more before it is answered: within that, only the stop answers it.
    command.addAll(List.of("serve", "--host", "127.0.0.1", "--port", "0", "--partial-delay", "10s",
        "--admin", "127.0.0.1:0"));
    try (TsechoProcess server = TsechoProcess.start(command).expectLog("signals are reserved by the JVM \\(-Xrs\\)")) {
      int admin = Integer.parseInt(server.awaitStderr(ADMIN).group(1));
      server.awaitStderr(Pattern.compile("signals are reserved by the JVM \\(-Xrs\\)"));
      try (Socket client = connect(server.port())) {
        long sent = System.nanoTime();
        client.getOutputStream().write("trailing piece".getBytes(ISO_8859_1));
        awaitReceived(admin, server.port(), 14);
        assertThat(client.getInputStream().available()).as("not answered before the stop").isZero();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sent))
            .as("the stop comes within the piece's 10 s wait").isLessThan(9);

        server.stdin().write("stop\n".getBytes(ISO_8859_1));
        server.stdin().flush();
        assertThat(readLine(client.getInputStream())).matches(STAMP + "trailing piece");
        assertThat(client.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(server.awaitExit(20)).isZero();
      assertThat(server.stderr()).contains("draining: /readyz fails; closing")
          .containsPattern("drained in [\\d.]+ (ms|s): every connection answered and closed");
    }
  }

  @Test
  void anAdminPortInUseIsOneLineAndExitCodeEight() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      TsechoProcess.Result r = TsechoProcess.run(new byte[0], 30, "serve", "--port", "0", "--admin",
          "127.0.0.1:" + taken.getLocalPort());
      assertThat(r.exitCode()).isEqualTo(ExitCodes.ADDRESS_IN_USE);
      assertThat(r.stderr()).isEqualTo("tsecho: cannot listen on admin/127.0.0.1:" + taken.getLocalPort()
          + ": address already in use (another server holds the port; pick another with --admin)\n");
    }
  }

  /** Scrapes until the server has read this many bytes on its TCP listener, for at most 20 s. */
  private void awaitReceived(int admin, int port, long bytes) throws Exception {
    awaitMetric(admin, "tsecho_received_bytes_total{address=\"127.0.0.1:" + port + "\",protocol=\"tcp\","
        + "service=\"stamp\"} " + (double) bytes + "\n");
  }

  /** Waits until /metrics shows this exact sample line. */
  private void awaitMetric(int admin, String sample) throws Exception {
    Await.until("/metrics shows " + sample.strip(), () -> get(admin, "/metrics").body().contains(sample));
  }

  private static String jar() {
    return System.getProperty("tsecho.jar", "target/tsecho.jar");
  }

  private static Path testClasses() throws Exception {
    return Paths.get(io.tsecho.testing.StopOnInput.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
