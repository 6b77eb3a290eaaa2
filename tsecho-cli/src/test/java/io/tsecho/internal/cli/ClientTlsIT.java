package io.tsecho.internal.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.tsecho.internal.tls.Pem;
import io.tsecho.testing.TestPki;
import io.tsecho.testing.TsechoProcess;
import io.tsecho.testing.TsechoProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** client, ping and bench over TLS to a tls listener of the real executable, on loopback. */
class ClientTlsIT {
  private static final String STAMP = "\\[\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\] ";
  private static final String HANDSHAKES_FAILED = "\\d+ TLS handshakes failed in the last 10 s";

  @TempDir Path dir;

  /** The certificate a server shows, read without trusting it, written to a PEM file. */
  private Path servedCertificate(int port) throws Exception {
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) trustAll.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.startHandshake();
      X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      return Files.writeString(dir.resolve("served.pem"), Pem.encode(served));
    }
  }

  private static Result client(String line, List<String> tls, int port) throws Exception {
    return TsechoProcess.run(line.getBytes(ISO_8859_1), 30, args("client", tls, port));
  }

  private static Result ping(List<String> tls, int port) throws Exception {
    return TsechoProcess.run(new byte[0], 30, args("ping", tls, port, "-c", "2", "-i", "100ms"));
  }

  private static Result bench(List<String> tls, int port) throws Exception {
    return TsechoProcess.run(new byte[0], 60, args("bench", tls, port, "-n", "200", "-c", "2", "--warmup", "0s"));
  }

  private static String[] args(String command, List<String> tls, int port, String... more) {
    List<String> all = new ArrayList<>(List.of(command, "--tls"));
    all.addAll(tls);
    all.addAll(List.of(more));
    all.addAll(List.of("127.0.0.1", String.valueOf(port)));
    return all.toArray(new String[0]);
  }

  private static int count(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void clientPingAndBenchTrustAnyCertificateWithTlsInsecure() throws Exception {
    clientPingAndBenchAgainstASelfSignedServer(port -> List.of("--tls-insecure"));
  }

  @Test
  void clientPingAndBenchTrustASelfSignedServerByItsCertificateAsTheirCa() throws Exception {
    clientPingAndBenchAgainstASelfSignedServer(port -> List.of("--tls-ca", servedCertificate(port).toString()));
  }

  private interface Trust {
    List<String> options(int port) throws Exception;
  }

  private void clientPingAndBenchAgainstASelfSignedServer(Trust trusting) throws Exception {
    try (TsechoProcess server = TsechoProcess.serve("--tls", "--tls-self-signed", "--host", "127.0.0.1", "--port", "0")) {
      int port = server.port();
      List<String> trust = trusting.options(port);
      Result client = client("over tls\n", trust, port);
      assertThat(client.exitCode()).as(client.stderr()).isZero();
      assertThat(client.out()).matches(STAMP + "over tls\n");
      assertThat(client.stderr()).isEmpty();

      Result ping = ping(trust, port);
      assertThat(ping.exitCode()).as(ping.stderr()).isZero();
      assertThat(ping.out()).contains("2 sent, 2 received");

      Result bench = bench(trust, port);
      assertThat(bench.exitCode()).as(bench.out() + bench.stderr()).isZero();
      assertThat(bench.out()).contains("200 requests in").contains("errors 0");

      assertThat(server.terminate()).isZero();
      assertThat(count(Pattern.compile("closed stamp/tls peer=127\\.0\\.0\\.1:\\d+ local=127\\.0\\.0\\.1:" + port
          + " tls=TLSv1\\.3/TLS_\\w+ in=9B out=36B messages=1 duration=\\d+ms reason=peer closed"), server.stderr()))
          .as(server.stderr()).isEqualTo(1);
      assertThat(count(Pattern.compile("closed stamp/tls .* messages=100 "), server.stderr()))
          .as("bench's 200 requests over its 2 connections").isEqualTo(2);
    }
  }

  @Test
  void aServerCertificateOfAnotherCaIsOneLineAndExitCode13() throws Exception {
    TestPki.Ca other = TestPki.ca("Another CA", dir);
    try (TsechoProcess server = TsechoProcess.serve("--tls", "--tls-self-signed", "--host", "127.0.0.1", "--port", "0")
        .expectLog(HANDSHAKES_FAILED)) {
      int port = server.port();
      List<String> wrongCa = List.of("--tls-ca", other.file().toString());
      String line = "tsecho: TLS handshake with 127.0.0.1:" + port + " failed: the server's certificate is not signed"
          + " by a trusted CA; give its CA with --tls-ca, or --tls-insecure\n";
      for (Result r : new Result[] {client("never answered\n", wrongCa, port), ping(wrongCa, port), bench(wrongCa, port)}) {
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(ExitCodes.TLS_FAILED);
        assertThat(r.stderr()).isEqualTo(line);
        assertThat(r.out()).doesNotContain("never answered", "received", "requests in");
      }
      assertThat(server.terminate()).isZero();
      assertThat(server.stderr()).doesNotContain("closed stamp/tls");
    }
  }

  @Test
  void mutualTlsClientPingAndBenchShowTheirCertificate() throws Exception {
    TestPki.Ca serverCa = TestPki.ca("Server CA", dir);
    TestPki.Issued serverCert = serverCa.issue("localhost");
    TestPki.Ca clientCa = TestPki.ca("Client CA", dir);
    TestPki.Issued alice = clientCa.issue("alice");
    try (TsechoProcess server = TsechoProcess.serve("--tls", "--tls-cert", serverCert.certificateFile().toString(),
        "--tls-key", serverCert.keyFile().toString(), "--tls-client-ca", clientCa.file().toString(),
        "--host", "127.0.0.1", "--port", "0")) {
      int port = server.port();
      List<String> mutual = List.of("--tls-ca", serverCa.file().toString(), "--tls-cert",
          alice.certificateFile().toString(), "--tls-key", alice.keyFile().toString());

      Result client = client("it is alice\n", mutual, port);
      assertThat(client.exitCode()).as(client.stderr()).isZero();
      assertThat(client.out()).matches(STAMP + "it is alice\n");
      Result ping = ping(mutual, port);
      assertThat(ping.exitCode()).as(ping.stderr()).isZero();
      assertThat(ping.out()).contains("2 sent, 2 received");
      Result bench = bench(mutual, port);
      assertThat(bench.exitCode()).as(bench.out() + bench.stderr()).isZero();
      assertThat(bench.out()).contains("200 requests in").contains("errors 0");

      assertThat(server.terminate()).isZero();
      assertThat(count(Pattern.compile("closed stamp/tls peer=127\\.0\\.0\\.1:\\d+ local=127\\.0\\.0\\.1:" + port
          + " tls=TLSv1\\.3/TLS_\\w+ subject=\"CN=alice\" in=12B out=39B messages=1 "), server.stderr()))
          .as(server.stderr()).isEqualTo(1);
      assertThat(count(Pattern.compile("closed stamp/tls .* subject=\"CN=alice\" "), server.stderr()))
          .as("the client's, ping's and bench's 2").isEqualTo(4);
    }
  }

  /** Over TLS 1.3 the server's refusal comes after the client's side of the handshake, at the first read. */
  @Test
  void aClientWithoutTheCertificateTheServerAsksForIsOneLineAndExitCode13() throws Exception {
    TestPki.Ca serverCa = TestPki.ca("Server CA", dir);
    TestPki.Issued serverCert = serverCa.issue("localhost");
    TestPki.Ca clientCa = TestPki.ca("Client CA", dir);
    try (TsechoProcess server = TsechoProcess.serve("--tls", "--tls-cert", serverCert.certificateFile().toString(),
        "--tls-key", serverCert.keyFile().toString(), "--tls-client-ca", clientCa.file().toString(),
        "--host", "127.0.0.1", "--port", "0").expectLog(HANDSHAKES_FAILED)) {
      int port = server.port();
      List<String> noCertificate = List.of("--tls-ca", serverCa.file().toString());
      // The alert, or the reset that the client's first bytes draw from the closed connection when they
      // reach it before the alert is read: TCP decides which the client sees.
      String line = "tsecho: TLS handshake with 127\\.0\\.0\\.1:" + port + " failed: (the server asks for a client"
          + " certificate: give --tls-cert and --tls-key|the server closed the connection during the handshake)\n";
      for (Result r : new Result[] {client("anonymous\n", noCertificate, port), ping(noCertificate, port),
          bench(noCertificate, port)}) {
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(ExitCodes.TLS_FAILED);
        assertThat(r.stderr()).matches(line);
      }
      assertThat(server.terminate()).isZero();
      assertThat(server.stderr()).contains("no client certificate").doesNotContain("closed stamp/tls");
    }
  }

  /** As HAProxy does: the PROXY header in the clear, then the handshake. */
  @Test
  void aProxyHeaderGoesFirstInTheClearThenTls() throws Exception {
    try (TsechoProcess server = TsechoProcess.serve("--tls", "--tls-self-signed", "--proxy-protocol", "required",
        "--host", "127.0.0.1", "--port", "0")) {
      int port = server.port();
      Result client = TsechoProcess.run("proxied\n".getBytes(ISO_8859_1), 30, "client", "--send-proxy", "v2", "--tls",
          "--tls-insecure", "127.0.0.1", String.valueOf(port));
      assertThat(client.exitCode()).as(client.stderr()).isZero();
      assertThat(client.out()).matches(STAMP + "proxied\n");
      assertThat(server.terminate()).isZero();
      assertThat(server.stderr()).containsPattern("closed stamp/tls peer=127\\.0\\.0\\.1:\\d+ via=127\\.0\\.0\\.1:\\d+"
          + " local=127\\.0\\.0\\.1:" + port + " tls=TLSv1\\.3/TLS_\\w+ in=8B out=35B messages=1 ");
    }
  }
}
