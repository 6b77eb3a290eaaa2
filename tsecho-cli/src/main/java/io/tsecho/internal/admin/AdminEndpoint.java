package io.tsecho.internal.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tsecho.config.AdminSettings;
import io.tsecho.internal.net.Addresses;
import io.tsecho.internal.server.BindFailedException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * The admin endpoint, {@code --admin}: {@code /metrics} (Prometheus text, or OpenMetrics when the
 * scraper's {@code Accept} asks for it), {@code /healthz} and {@code /readyz}, on the JDK's HTTP
 * server with threads of its own, away from the event loops.
 */
public final class AdminEndpoint implements AutoCloseable {
  private final HTTPServer http;
  private final InetSocketAddress address;

  private AdminEndpoint(HTTPServer http, InetSocketAddress address) {
    this.http = http;
    this.address = address;
  }

  /**
   * Binds and starts answering.
   *
   * @throws BindFailedException when the address cannot be bound (in use, permission, no such address)
   * @throws UnknownHostException when the host name does not resolve
   */
  public static AdminEndpoint start(AdminSettings settings, PrometheusRegistry registry, Health health)
      throws BindFailedException, UnknownHostException {
    InetAddress host = settings.host() == null ? null : InetAddress.getByName(settings.host());
    InetSocketAddress asked = host == null ? new InetSocketAddress(settings.port())
        : new InetSocketAddress(host, settings.port());
    // Built properties rather than PrometheusProperties.get(): that one reads the environment, and an
    // io.prometheus.exporter.httpServer.port there would move the endpoint off the port given here.
    HTTPServer.Builder builder = HTTPServer.builder(PrometheusProperties.builder().build())
        .port(settings.port())
        .registry(registry)
        .registerHealthHandler(false)
        .defaultHandler(new Probes(health));
    if (host != null) {
      builder.inetAddress(host);
    }
    try {
      HTTPServer http = builder.buildAndStart();
      // Like the listeners, the wildcard binds both stacks; it is shown as they show it, [::].
      InetAddress shown = host != null ? host : InetAddress.getByName("::");
      return new AdminEndpoint(http, new InetSocketAddress(shown, http.getPort()));
    } catch (IOException e) {
      throw new BindFailedException("admin", asked, e, "--admin");
    }
  }

  public InetSocketAddress address() {
    return address;
  }

  /** The line printed once it listens, e.g. {@code tsecho: admin on http://127.0.0.1:9090 (...)}. */
  public String line() {
    return "tsecho: admin on http://" + Addresses.format(address) + " (/metrics, /healthz, /readyz)";
  }

  /** Stops answering at once: it is the last thing to stop, after the connections have closed. */
  @Override
  public void close() {
    http.close();
  }

  /** {@code /healthz}, {@code /readyz}, and a short index; everything but {@code /metrics}. */
  private static final class Probes implements HttpHandler {
    private final Health health;

    Probes(Health health) {
      this.health = health;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
      try {
        exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
          exchange.getResponseHeaders().set("Allow", "GET, HEAD");
          send(exchange, 405, "method not allowed\n");
          return;
        }
        Health.State state = health.state();
        switch (exchange.getRequestURI().getPath()) {
          case "/healthz":
            send(exchange, state.live() ? 200 : 503, state.text() + "\n");
            break;
          case "/readyz":
            send(exchange, state.ready() ? 200 : 503, state.text() + "\n");
            break;
          case "/":
            send(exchange, 200, "tsecho admin: /metrics /healthz /readyz\n");
            break;
          default:
            send(exchange, 404, "not found; try /metrics, /healthz or /readyz\n");
            break;
        }
      } finally {
        exchange.close();
      }
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
