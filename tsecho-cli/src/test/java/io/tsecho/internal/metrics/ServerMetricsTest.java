package io.tsecho.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.tsecho.config.Cidr;
import io.tsecho.config.Fault;
import io.tsecho.config.Listener;
import io.tsecho.config.ProxySettings;
import io.tsecho.config.ServerConfig;
import io.tsecho.internal.server.BufferBudget;
import io.tsecho.internal.server.CloseReason;
import io.tsecho.internal.server.Faults;
import io.tsecho.internal.server.ListenerEvents;
import io.tsecho.internal.server.ListenerEvents.Refusal;
import io.tsecho.internal.server.UdpDrops;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerMetricsTest {
  private static final String TCP = tcp("");
  private static final String UDP = "{address=\"[::1]:7\",protocol=\"udp\",service=\"echo\"}";

  /** The TCP listener's labels, with one more between protocol and service: the exposition sorts them. */
  private static String tcp(String extra) {
    return "{address=\"127.0.0.1:21566\",protocol=\"tcp\"," + extra + "service=\"stamp\"}";
  }

  private static String udp(String extra) {
    return "{address=\"[::1]:7\",protocol=\"udp\"," + extra + "service=\"echo\"}";
  }

  private static String text(ExpositionFormatWriter writer, ServerMetrics metrics) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(out, metrics.collect());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static ServerMetrics served(ServerConfig config) {
    ServerMetrics metrics = new ServerMetrics(config);
    ListenerEvents tcp = metrics.listener(Listener.parse("stamp/tcp/127.0.0.1:0"));
    tcp.bound(new InetSocketAddress("127.0.0.1", 21566));
    ListenerEvents udp = metrics.listener(Listener.parse("echo/udp/[::1]:7"));
    udp.bound(new InetSocketAddress("::1", 7));
    tcp.accepted(null);
    tcp.accepted(null);
    tcp.accepted(null);
    tcp.received(null, 12);
    tcp.replied(null, 2, 66);
    tcp.closed(null, CloseReason.PEER_CLOSED);
    tcp.refused(null, Refusal.TOO_MANY_CONNECTIONS);
    tcp.refused(null, Refusal.ACCESS_DENIED);
    udp.datagramReceived(null, 5);
    udp.datagramReplied(null, 5);
    udp.datagramReceived(null, 9);
    udp.datagramDropped(null, UdpDrops.Reason.LOW_PORT);
    return metrics;
  }

  @Test
  void eachListenerIsLabelledAsItsListeningLineShowsIt() throws IOException {
    String text = text(PrometheusTextFormatWriter.create(), served(ServerConfig.builder().build()));

    assertThat(text).contains(
        "# HELP tsecho_connections_accepted_total TCP connections accepted, before any check in front of the service\n"
            + "# TYPE tsecho_connections_accepted_total counter\n"
            + "tsecho_connections_accepted_total" + TCP + " 3.0\n",
        "# TYPE tsecho_connections_open gauge\ntsecho_connections_open" + TCP + " 1.0\n",
        "tsecho_connections_refused_total" + tcp("reason=\"access_denied\",") + " 1.0\n",
        "tsecho_connections_refused_total" + tcp("reason=\"too_many_connections\",") + " 1.0\n",
        "tsecho_connections_refused_total" + tcp("reason=\"proxy_header\",") + " 0.0\n",
        "tsecho_connections_closed_total" + tcp("reason=\"peer_closed\",") + " 1.0\n",
        "tsecho_connections_closed_total" + tcp("reason=\"idle_timeout\",") + " 0.0\n",
        "tsecho_received_bytes_total" + TCP + " 12.0\n",
        "tsecho_received_bytes_total" + UDP + " 14.0\n",
        "tsecho_sent_bytes_total" + TCP + " 66.0\n",
        "tsecho_sent_bytes_total" + UDP + " 5.0\n",
        "tsecho_replies_total" + TCP + " 2.0\n",
        "tsecho_replies_total" + UDP + " 1.0\n",
        "tsecho_datagrams_received_total" + UDP + " 2.0\n",
        "tsecho_datagrams_dropped_total" + udp("reason=\"low_port\",") + " 1.0\n",
        "tsecho_datagrams_dropped_total" + udp("reason=\"send_queue_full\",") + " 0.0\n");
    assertThat(text).as("connections are TCP's, datagrams UDP's")
        .doesNotContain("tsecho_connections_open" + UDP)
        .doesNotContain("tsecho_datagrams_received_total" + TCP);
    assertThat(text).as("PROXY and TLS only where they are on").doesNotContain("tsecho_proxy_headers")
        .doesNotContain("tsecho_tls_handshakes");
    assertThat(text).as("the buffer budget once a server runs").doesNotContain("tsecho_buffered_bytes");
  }

  @Test
  void proxyHeadersAndTlsHandshakesWhereTheyAreOn() throws IOException {
    ServerConfig config = ServerConfig.builder()
        .proxy(new ProxySettings(ProxySettings.Mode.REQUIRED, List.of(Cidr.parse("127.0.0.1/32")), Duration.ofSeconds(3)))
        .build();
    ServerMetrics metrics = served(config);
    ListenerEvents tls = metrics.listener(Listener.parse("stamp/tls/127.0.0.1:0"));
    tls.bound(new InetSocketAddress("127.0.0.1", 21567));
    tls.tlsHandshake(null, true);
    tls.tlsHandshake(null, false);
    metrics.listener(Listener.parse("stamp/tcp/127.0.0.1:0")).proxyHeader(null, true);

    String text = text(PrometheusTextFormatWriter.create(), metrics);

    assertThat(text).contains(
        "tsecho_proxy_headers_total" + tcp("result=\"accepted\",") + " 0.0\n",
        "tsecho_proxy_headers_total" + tcp("result=\"rejected\",") + " 0.0\n",
        "tsecho_tls_handshakes_total{address=\"127.0.0.1:21567\",protocol=\"tls\",result=\"succeeded\",service=\"stamp\"} 1.0\n",
        "tsecho_tls_handshakes_total{address=\"127.0.0.1:21567\",protocol=\"tls\",result=\"failed\",service=\"stamp\"} 1.0\n");
    assertThat(text).as("a listener not bound yet is not shown").doesNotContain("address=\"127.0.0.1:0\"");
    assertThat(text).doesNotContain("tsecho_tls_handshakes_total{address=\"127.0.0.1:21566\"");
  }

  @Test
  void theBufferBudgetOnceTheServerRuns() throws IOException {
    ServerMetrics metrics = new ServerMetrics(ServerConfig.builder().build());
    metrics.watch(new BufferBudget(1_048_576), new Faults(List.of(), 1));
    assertThat(text(PrometheusTextFormatWriter.create(), metrics)).contains(
        "# TYPE tsecho_buffered_bytes gauge\ntsecho_buffered_bytes 0.0\n",
        "# TYPE tsecho_max_buffered_bytes gauge\ntsecho_max_buffered_bytes 1048576.0\n");
  }

  @Test
  void everyFaultKindIsCountedFromZero() throws IOException {
    ServerMetrics metrics = new ServerMetrics(ServerConfig.builder().build());
    metrics.watch(new BufferBudget(1_048_576), new Faults(List.of(), 1));
    String text = text(PrometheusTextFormatWriter.create(), metrics);
    assertThat(text).contains("tsecho_faults_applied_total{kind=\"drop\"} 0.0\n",
        "tsecho_faults_applied_total{kind=\"slow-close\"} 0.0\n");
    assertThat(text.split("\n")).filteredOn(line -> line.startsWith("tsecho_faults_applied_total{"))
        .hasSize(Fault.Kind.values().length);
  }

  @Test
  void openMetricsShowsUnitsAndEndsWithEof() throws IOException {
    String text = text(OpenMetricsTextFormatWriter.create(), served(ServerConfig.builder().build()));
    assertThat(text).contains(
        "# TYPE tsecho_received_bytes counter\n# UNIT tsecho_received_bytes bytes\n",
        "tsecho_received_bytes_total" + TCP + " 12.0\n");
    assertThat(text).endsWith("# EOF\n");
  }
}
