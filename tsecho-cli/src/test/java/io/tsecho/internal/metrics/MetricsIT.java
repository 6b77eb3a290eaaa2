package io.tsecho.internal.metrics;

import static io.tsecho.testing.Program.PROMTOOL;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.AccessRules;
import io.tsecho.config.AdminSettings;
import io.tsecho.config.Cidr;
import io.tsecho.config.Fault;
import io.tsecho.config.FaultSettings;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.UdpLimits;
import io.tsecho.internal.admin.AdminEndpoint;
import io.tsecho.internal.admin.Health;
import io.tsecho.internal.server.TsechoServer;
import io.tsecho.testing.RequiresPrograms;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A running server with its admin endpoint serves a scripted set of TCP and UDP clients, refused and
 * closed ones among them; its /metrics must pass {@code promtool check metrics} and count exactly
 * what was sent.
 */
class MetricsIT {
  /** {@code [} + a ctime stamp, always 24 characters + {@code ] }. */
  private static final int STAMP = 27;
  private static final Pattern SAMPLE = Pattern.compile("^(tsecho_[a-z_]+)\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);

  @Test
  @RequiresPrograms(PROMTOOL)
  void countsAScriptedRunExactlyAndPassesPromtool() throws Exception {
    ServerConfig config = ServerConfig.builder()
        .host("127.0.0.1").port(0).udp(true).threads(2)
        .udpLimits(new UdpLimits(0, 0, false, 65_507, 64))
        .maxConnections(3)
        .access(new AccessRules(List.of(), List.of(Cidr.parse("127.0.0.2/32")), 0))
        .admin(AdminSettings.parse("127.0.0.1:0", Duration.ZERO))
        .build();
    ServerMetrics metrics = new ServerMetrics(config);
    Health health = new Health();
    try (AdminEndpoint admin = AdminEndpoint.start(config.admin(), metrics.registry(), health);
        TsechoServer server = TsechoServer.start(config, Clock.systemUTC(), metrics)) {
      metrics.watch(server.bufferBudget(), server.faults());
      int port = server.localAddress().getPort();

      // Three clients fill --max-connections; each sends lines of its own, then half-closes.
      int[] lines = {1, 4, 7};
      List<Socket> clients = new ArrayList<>();
      List<byte[]> rest = new ArrayList<>();
      long tcpIn = 0;
      for (int c = 0; c < lines.length; c++) {
        Socket client = connect("127.0.0.1", port);
        clients.add(client);
        StringBuilder more = new StringBuilder();
        for (int i = 1; i < lines[c]; i++) {
          more.append("client ").append(c).append(" line ").append(i).append('\n');
        }
        String first = "client " + c + " first\n";
        client.getOutputStream().write(first.getBytes(ISO_8859_1));
        assertThat(readLine(client.getInputStream())).endsWith("] " + first);
        rest.add(more.toString().getBytes(ISO_8859_1));
        tcpIn += first.length() + more.length();
      }
      // A fourth is over the limit: refused before it is accepted.
      try (Socket over = connect("127.0.0.1", port)) {
        assertThat(new String(over.getInputStream().readAllBytes(), ISO_8859_1))
            .isEqualTo("tsecho error: too many connections (limit 3); closing\n");
      }
      for (int c = 0; c < clients.size(); c++) {
        Socket client = clients.get(c);
        client.getOutputStream().write(rest.get(c));
        client.shutdownOutput();
        String replies = new String(client.getInputStream().readAllBytes(), ISO_8859_1);
        assertThat(replies.chars().filter(ch -> ch == '\n').count()).isEqualTo(lines[c] - 1);
        client.close();
      }
      // A denied source: accepted, then closed without a word.
      try (Socket denied = connect("127.0.0.2", port)) {
        assertThat(readQuietly(denied.getInputStream())).isEmpty();
      }

      int datagrams = 5;
      long udpIn = 0;
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
        udp.setSoTimeout(10_000);
        for (int d = 0; d < datagrams; d++) {
          byte[] payload = ("datagram " + d).getBytes(ISO_8859_1);
          udp.send(new DatagramPacket(payload, payload.length, InetAddress.getByName("127.0.0.1"), port));
          DatagramPacket reply = new DatagramPacket(new byte[1024], 1024);
          udp.receive(reply);
          assertThat(reply.getLength()).isEqualTo(STAMP + payload.length);
          udpIn += payload.length;
        }
      }
      byte[] deniedDatagram = "from a denied source".getBytes(ISO_8859_1);
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
        udp.send(new DatagramPacket(deniedDatagram, deniedDatagram.length, InetAddress.getByName("127.0.0.1"), port));
      }

      String tcp = "address=\"127.0.0.1:" + port + "\",protocol=\"tcp\",service=\"stamp\"";
      String udp = "address=\"127.0.0.1:" + port + "\",protocol=\"udp\",service=\"stamp\"";
      String body = scrapeUntil(admin, samples -> samples.getOrDefault(
          "tsecho_connections_closed_total{" + withReason(tcp, "peer_closed") + "}", 0.0) == 3
          && samples.getOrDefault("tsecho_connections_open{" + tcp + "}", -1.0) == 0
          && samples.getOrDefault("tsecho_datagrams_dropped_total{" + withReason(udp, "access_denied") + "}", 0.0) == 1);
      Map<String, Double> samples = samples(body);

      int messages = lines[0] + lines[1] + lines[2];
      assertThat(samples).containsEntry("tsecho_connections_accepted_total{" + tcp + "}", 4.0)
          .containsEntry("tsecho_connections_open{" + tcp + "}", 0.0)
          .containsEntry("tsecho_connections_refused_total{" + withReason(tcp, "too_many_connections") + "}", 1.0)
          .containsEntry("tsecho_connections_refused_total{" + withReason(tcp, "access_denied") + "}", 1.0)
          .containsEntry("tsecho_connections_refused_total{" + withReason(tcp, "too_many_from_source") + "}", 0.0)
          .containsEntry("tsecho_connections_closed_total{" + withReason(tcp, "peer_closed") + "}", 3.0)
          .containsEntry("tsecho_connections_closed_total{" + withReason(tcp, "idle_timeout") + "}", 0.0)
          .containsEntry("tsecho_received_bytes_total{" + tcp + "}", (double) tcpIn)
          .containsEntry("tsecho_replies_total{" + tcp + "}", (double) messages)
          .containsEntry("tsecho_sent_bytes_total{" + tcp + "}", (double) (messages * STAMP + tcpIn))
          .containsEntry("tsecho_datagrams_received_total{" + udp + "}", datagrams + 1.0)
          .containsEntry("tsecho_received_bytes_total{" + udp + "}", (double) (udpIn + deniedDatagram.length))
          .containsEntry("tsecho_replies_total{" + udp + "}", (double) datagrams)
          .containsEntry("tsecho_sent_bytes_total{" + udp + "}", (double) (datagrams * STAMP + udpIn))
          .containsEntry("tsecho_datagrams_dropped_total{" + withReason(udp, "access_denied") + "}", 1.0)
          .containsEntry("tsecho_datagrams_dropped_total{" + withReason(udp, "source_rate") + "}", 0.0);
      assertThat(body).contains("\ntsecho_buffered_bytes 0.0\n", "\ntsecho_max_buffered_bytes 2.68435456E8\n",
          "\njvm_threads_current ", "\nprocess_cpu_seconds_total ");

      assertThat(promtool(body)).isEqualTo("exit 0, output: ''");
    }
  }

  @Test
  void faultsAppliedAreCountedByKind() throws Exception {
    ServerConfig config = ServerConfig.builder()
        .host("127.0.0.1").port(0).udp(true).threads(1)
        .udpLimits(new UdpLimits(0, 0, false, 65_507, 64))
        .faults(new FaultSettings(List.of(Fault.parse("drop")), 7))
        .admin(AdminSettings.parse("127.0.0.1:0", Duration.ZERO))
        .build();
    ServerMetrics metrics = new ServerMetrics(config);
    try (AdminEndpoint admin = AdminEndpoint.start(config.admin(), metrics.registry(), new Health());
        TsechoServer server = TsechoServer.start(config, Clock.systemUTC(), metrics);
        DatagramSocket client = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      metrics.watch(server.bufferBudget(), server.faults());
      // With --udp, the UDP listener shares the TCP listener's port.
      InetSocketAddress udp = server.localAddress();
      for (int i = 0; i < 3; i++) {
        client.send(new DatagramPacket(new byte[] {'x'}, 1, udp));
      }
      String body = scrapeUntil(admin, s -> s.getOrDefault("tsecho_faults_applied_total{kind=\"drop\"}", 0.0) >= 3);
      assertThat(samples(body)).containsEntry("tsecho_faults_applied_total{kind=\"drop\"}", 3.0)
          .containsEntry("tsecho_faults_applied_total{kind=\"reset\"}", 0.0);
    }
  }

  /** The labels with a reason among them, in the order the exposition writes them. */
  private static String withReason(String labels, String reason) {
    return labels.replace(",service=", ",reason=\"" + reason + "\",service=");
  }

  private static Socket connect(String source, int port) throws IOException {
    Socket s = new Socket();
    s.setSoTimeout(10_000);
    s.bind(new InetSocketAddress(source, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return s;
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

  /** What a closed connection still delivers; a reset delivers nothing. */
  private static String readQuietly(InputStream in) {
    try {
      return new String(in.readAllBytes(), ISO_8859_1);
    } catch (IOException reset) {
      return "";
    }
  }

  private static Map<String, Double> samples(String body) {
    Map<String, Double> samples = new TreeMap<>();
    Matcher m = SAMPLE.matcher(body);
    while (m.find()) {
      samples.put(m.group(1) + "{" + m.group(2) + "}", Double.parseDouble(m.group(3)));
    }
    return samples;
  }

  /**
   * Scrapes until the condition holds (the server counts a close once the client has seen it, a
   * moment later), for at most 20 s; returns the last body.
   */
  private static String scrapeUntil(AdminEndpoint admin, java.util.function.Predicate<Map<String, Double>> done)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort()
        + "/metrics")).timeout(Duration.ofSeconds(10)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String body;
    do {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      body = response.body();
      if (done.test(samples(body))) {
        return body;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return body;
  }

  private static String promtool(String body) throws Exception {
    Process p = new ProcessBuilder(PROMTOOL.path(), "check", "metrics").redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(body.getBytes(UTF_8));
    }
    String output = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    return "exit " + p.exitValue() + ", output: '" + output.trim() + "'";
  }
}
