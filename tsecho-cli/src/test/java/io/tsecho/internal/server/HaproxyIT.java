package io.tsecho.internal.server;

import static io.tsecho.testing.Program.HAPROXY;
import static io.tsecho.testing.Replies.payload;
import static io.tsecho.testing.Replies.readLine;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.testing.HaproxyProcess;
import io.tsecho.testing.RequiresPrograms;
import io.tsecho.testing.TsechoProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PROXY protocol from a real HAProxy (Debian's {@code haproxy}), started here with a generated
 * configuration on loopback ports: {@code send-proxy-v2} with and without health checks, and
 * {@code send-proxy} (v1). The client connects from 127.0.0.2, so that the address it really had
 * differs from the proxy's, and the server's log must name it. .ci/run installs haproxy.
 */
@RequiresPrograms(HAPROXY)
class HaproxyIT {
  private static final long WAIT_MILLIS = 15_000;
  private static final String REFUSALS = "connections closed for a missing, bad or untrusted PROXY header";
  private static TsechoProcess server;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    // -v: the debug line of each header, where the unique ID shows.
    server = TsechoProcess.serve("--listen", "stamp/tcp/127.0.0.1:0", "--proxy-protocol", "required", "-v");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      assertThat(server.terminate()).isZero();
    }
  }

  @Test
  void sendProxyV2NamesTheRealClientWithItsChecksumAndUniqueId() throws Exception {
    try (HaproxyProcess proxy = haproxyTo(server.port(),
        "send-proxy-v2 proxy-v2-options crc32c,unique-id", "unique-id-format tsecho-%ci-%cp")) {
      int clientPort = exchangeThrough(proxy);
      assertLogged(line -> line.contains("closed stamp/tcp peer=127.0.0.2:" + clientPort + " via=127.0.0.1:"),
          "the connection's line names the client and the proxy");
      assertLogged(line -> line.contains("client 127.0.0.2:" + clientPort + " unique_id=\"tsecho-127.0.0.2-" + clientPort + "\""),
          "the header's unique ID, its CRC32C right");
    }
  }

  @Test
  void sendProxyV2HealthChecksAreServedAsTheProxysOwnConnections() throws Exception {
    int checksBefore = count(HaproxyIT::isHealthCheck);
    try (HaproxyProcess proxy = haproxyTo(server.port(),
        "send-proxy-v2 check inter 200ms check-send-proxy", "")) {
      waitFor(() -> count(HaproxyIT::isHealthCheck) >= checksBefore + 2, "two health checks answered with LOCAL headers");
      int clientPort = exchangeThrough(proxy);
      assertLogged(line -> line.contains("closed stamp/tcp peer=127.0.0.2:" + clientPort + " via=127.0.0.1:"),
          "the client's line");
      assertThat(proxy.output()).doesNotContain("DOWN");
      // A check that the proxy's exit cut between its connect and its header would be refused.
      proxy.command("disable health be/tsecho");
      awaitQuiet(HaproxyIT::isHealthCheck);
      assertThat(server.stderr()).doesNotContain(REFUSALS);
    }
  }

  @Test
  void aBackendWithoutSendProxyGetsItsClientsClosedWithoutAReply() throws Exception {
    try (TsechoProcess strict = TsechoProcess.serve("--listen", "stamp/tcp/127.0.0.1:0", "--proxy-protocol", "required")
            .expectLog(REFUSALS);
        HaproxyProcess proxy = haproxyTo(strict.port(), "", "")) {
      try (Socket client = new Socket()) {
        client.setSoTimeout(10_000);
        client.bind(new InetSocketAddress("127.0.0.2", 0));
        client.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5_000);
        client.getOutputStream().write("no header\n".getBytes(ISO_8859_1));
        assertThat(client.getInputStream().readAllBytes()).isEmpty();
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
      while (!strict.stderr().contains(REFUSALS) && System.nanoTime() - deadline < 0) {
        Thread.sleep(20);
      }
      assertThat(strict.stderr()).contains(REFUSALS).doesNotContain("closed stamp/tcp");
    }
  }

  @Test
  void sendProxyV1NamesTheRealClient() throws Exception {
    try (HaproxyProcess proxy = haproxyTo(server.port(), "send-proxy", "")) {
      int clientPort = exchangeThrough(proxy);
      assertLogged(line -> line.contains("closed stamp/tcp peer=127.0.0.2:" + clientPort + " via=127.0.0.1:"),
          "the connection's line names the client and the proxy");
      assertLogged(line -> line.contains("PROXY v1 header from 127.0.0.1:") && line.contains("client 127.0.0.2:" + clientPort),
          "the header was v1");
    }
  }

  /** A LOCAL header's connection: logged as the proxy's own, with no via. */
  private static boolean isHealthCheck(String line) {
    return line.contains("PROXY v2 header from 127.0.0.1:") && line.endsWith("LOCAL, served as the connection itself");
  }

  /** One line through the proxy from 127.0.0.2; returns the client's port. */
  private static int exchangeThrough(HaproxyProcess proxy) throws IOException {
    try (Socket client = new Socket()) {
      client.setSoTimeout(10_000);
      client.bind(new InetSocketAddress("127.0.0.2", 0));
      client.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5_000);
      client.getOutputStream().write("through haproxy\n".getBytes(ISO_8859_1));
      assertThat(payload(readLine(client.getInputStream()))).isEqualTo("through haproxy\n");
      return client.getLocalPort();
    }
  }

  private static int count(Predicate<String> line) {
    return (int) server.stderr().lines().filter(line).count();
  }

  private static void assertLogged(Predicate<String> line, String what) throws InterruptedException {
    waitFor(() -> count(line) == 1, what);
  }

  /** Waits until a second passes without a new line of this kind. */
  private static void awaitQuiet(Predicate<String> line) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    int seen = count(line);
    while (System.nanoTime() - deadline < 0) {
      Thread.sleep(1_000);
      int now = count(line);
      if (now == seen) {
        return;
      }
      seen = now;
    }
    throw new AssertionError("lines still coming after " + WAIT_MILLIS + " ms\nserver log:\n" + server.stderr());
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not seen within " + WAIT_MILLIS + " ms: " + what + "\nserver log:\n" + server.stderr());
      }
      Thread.sleep(20);
    }
  }

  /** HAProxy with a frontend on a free loopback port and one backend server: tsecho. */
  private HaproxyProcess haproxyTo(int backendPort, String serverOptions, String frontendOptions) throws Exception {
    return HaproxyProcess.start(dir, port -> String.join("\n", List.of(
        "defaults",
        "    mode tcp",
        "    timeout connect 5s",
        "    timeout client 30s",
        "    timeout server 30s",
        "frontend fe",
        "    bind 127.0.0.1:" + port,
        "    " + frontendOptions,
        "    default_backend be",
        "backend be",
        "    server tsecho 127.0.0.1:" + backendPort + " " + serverOptions,
        "")));
  }
}
