package io.tsecho.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tsecho.config.AdminSettings;
import io.tsecho.internal.server.BindFailedException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin endpoint over real HTTP on loopback: the probes through the server's life, and /metrics. */
class AdminEndpointIT {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Health health = new Health();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private AdminEndpoint admin;

  @BeforeEach
  void start() throws Exception {
    Counter.builder().name("tsecho_test_events").help("Events in a test").register(registry).inc(3);
    admin = AdminEndpoint.start(AdminSettings.parse("127.0.0.1:0", Duration.ZERO), registry, health);
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  private HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + admin.address().getPort() + path)).timeout(Duration.ofSeconds(10));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void assertProbe(String path, int status, String body) throws Exception {
    HttpResponse<String> response = get(path, null);
    assertThat(response.statusCode()).as(path + " while " + health.state().text()).isEqualTo(status);
    assertThat(response.body()).isEqualTo(body);
  }

  @Test
  void probesFollowTheServersLife() throws Exception {
    assertProbe("/healthz", 503, "starting\n");
    assertProbe("/readyz", 503, "starting\n");
    health.ready();
    assertProbe("/healthz", 200, "ready\n");
    assertProbe("/readyz", 200, "ready\n");
    health.draining();
    assertProbe("/healthz", 200, "draining\n");
    assertProbe("/readyz", 503, "draining\n");
    health.stopped();
    assertProbe("/healthz", 503, "stopped\n");
    assertProbe("/readyz", 503, "stopped\n");
  }

  @Test
  void metricsInPrometheusTextOrOpenMetricsAsTheScraperAsks() throws Exception {
    HttpResponse<String> text = get("/metrics", null);
    assertThat(text.statusCode()).isEqualTo(200);
    assertThat(text.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(text.body()).contains("# TYPE tsecho_test_events_total counter\ntsecho_test_events_total 3.0\n")
        .doesNotContain("# EOF");

    // What Prometheus sends by default.
    HttpResponse<String> open = get("/metrics", "application/openmetrics-text;version=1.0.0,"
        + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(open.headers().firstValue("Content-Type")).hasValue(
        "application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(open.body()).contains("# TYPE tsecho_test_events counter\n# HELP tsecho_test_events Events in a test\n"
        + "tsecho_test_events_total 3.0\n")
        .endsWith("# EOF\n");
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    assertProbe("/nowhere", 404, "not found; try /metrics, /healthz or /readyz\n");
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + admin.address().getPort() + "/readyz"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void aPortInUseIsABindFailureNamingTheOption() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> AdminEndpoint.start(AdminSettings.parse("127.0.0.1:" + taken.getLocalPort(),
          Duration.ZERO), registry, health))
          .isInstanceOf(BindFailedException.class)
          .hasMessage("cannot listen on admin/127.0.0.1:" + taken.getLocalPort()
              + ": address already in use (another server holds the port; pick another with --admin)")
          .satisfies(e -> assertThat(((BindFailedException) e).reason())
              .isEqualTo(BindFailedException.Reason.ADDRESS_IN_USE));
    }
  }

  @Test
  void itsLineShowsWhereItListens() {
    assertThat(admin.line()).isEqualTo(
        "tsecho: admin on http://127.0.0.1:" + admin.address().getPort() + " (/metrics, /healthz, /readyz)");
  }
}
