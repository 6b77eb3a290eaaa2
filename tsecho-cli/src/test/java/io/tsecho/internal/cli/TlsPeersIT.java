package io.tsecho.internal.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.internal.tls.Pem;
import io.tsecho.internal.tls.TlsIdentity;
import io.tsecho.testing.HaproxyProcess;
import io.tsecho.testing.Processes;
import io.tsecho.testing.Program;
import io.tsecho.testing.RequiresPrograms;
import io.tsecho.testing.TestPki;
import io.tsecho.testing.TsechoProcess;
import io.tsecho.testing.TsechoProcess.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tls listeners of the real executable against programs outside the JDK: openssl s_client, Python's
 * ssl module, and HAProxy verifying tsecho's certificate. Each test skips, saying so, when its
 * program is missing; .ci/run installs them.
 */
class TlsPeersIT {
  private static final String CTIME = "\\[\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\] ";
  /** The warning of handshakes a test fails on purpose. */
  private static final String HANDSHAKES_FAILED = "\\d+ TLS handshakes failed in the last 10 s";
  private static final Pattern FINGERPRINT = Pattern.compile("sha256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})");

  @TempDir Path dir;

  private static Result sh(Path workDir, String command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("sh", "-c", command).directory(workDir.toFile());
    if (Program.OPENSSL.usable()) { // the openssl that was checked is the one the commands run
      builder.environment().put("OPENSSL", Program.OPENSSL.path());
    }
    Process p = builder.start();
    CompletableFuture<byte[]> out = Processes.readAllAsync(p.getInputStream());
    CompletableFuture<byte[]> err = Processes.readAllAsync(p.getErrorStream());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("did not finish in 60 s: " + command);
    }
    return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS), new String(err.get(5, TimeUnit.SECONDS), ISO_8859_1));
  }

  private Result sh(String command) throws Exception {
    return sh(dir, command);
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static String fingerprintIn(String text) {
    Matcher m = FINGERPRINT.matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }

  /**
   * Runs {@code openssl s_client ARGS}, sends one line, and ends its input only once the reply has
   * come: s_client then sends close_notify and exits. Returns its exit code and all it printed.
   */
  private Result sClient(int port, String line, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Program.OPENSSL.path(), "s_client", "-quiet", "-no_ign_eof",
        "-connect", "127.0.0.1:" + port));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
    CompletableFuture<byte[]> err = Processes.readAllAsync(p.getErrorStream());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      p.getOutputStream().write(line.getBytes(ISO_8859_1));
      p.getOutputStream().flush();
      InputStream in = p.getInputStream();
      for (int b; (b = in.read()) >= 0; ) { // until the reply's newline, or s_client's end
        out.write(b);
        if (b == '\n') {
          break;
        }
      }
      p.getOutputStream().close();
    } catch (IOException gone) {
      // s_client ended first (a refused handshake): its exit code and stderr tell
    }
    out.writeBytes(readAll(p.getInputStream()));
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("openssl s_client did not finish in 30 s");
    }
    return new Result(p.exitValue(), out.toByteArray(), new String(err.get(5, TimeUnit.SECONDS), ISO_8859_1));
  }

  /** A CA, a server certificate for localhost, 127.0.0.1 and ::1, and a client certificate, all made by openssl. */
  private void opensslPki() throws Exception {
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n");
    for (String command : new String[] {
      "$OPENSSL req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2"
          + " -subj '/CN=OpenSSL Test CA'",
      "$OPENSSL req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=localhost'",
      "$OPENSSL x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 1"
          + " -extfile san.ext",
      "$OPENSSL req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -out client.csr"
          + " -subj '/CN=openssl client/O=tsecho tests'",
      "$OPENSSL x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 1",
    }) {
      Result r = sh(command);
      assertThat(r.exitCode()).as(command + "\n" + r.stderr()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "openssl"})
  @RequiresPrograms(Program.OPENSSL)
  void opensslChecksTheSelfSignedCertificateByItsFingerprintAndGetsTheExactReply(String engine) throws Exception {
    try (TsechoProcess server = TsechoProcess.serve("--tls", "--tls-self-signed", "--tls-engine", engine,
        "--host", "127.0.0.1", "--port", "0").expectLog(HANDSHAKES_FAILED)) {
      assertThat(server.stderr()).containsPattern("listening on stamp/tls/127\\.0\\.0\\.1:\\d+ \\(framing auto, backlog"
          + " \\d+, time format ctime, tls self-signed, sha256 ([0-9A-F]{2}:){31}[0-9A-F]{2}, "
          + (engine.equals("jdk") ? "" : "engine openssl, ") + "transport \\w+, \\d+ event loops\\)");
      String announced = fingerprintIn(server.stderr());
      int port = server.port();

      Result shown = sh("$OPENSSL s_client -connect 127.0.0.1:" + port + " -servername localhost </dev/null"
          + " | $OPENSSL x509 -outform PEM > served.pem && $OPENSSL x509 -in served.pem -noout -fingerprint -sha256");
      assertThat(shown.exitCode()).as(shown.stderr()).isZero();
      assertThat(shown.out()).isEqualTo("sha256 Fingerprint=" + announced + "\n");

      Result byName = sClient(port, "hello\n", "-CAfile", "served.pem", "-verify_return_error", "-verify_hostname",
          "localhost", "-servername", "localhost");
      assertThat(byName.exitCode()).as(byName.stderr()).isZero();
      assertThat(byName.out()).matches(CTIME + "hello\n");
      assertThat(byName.stderr()).contains("verify return:1");

      Result byAddress = sClient(port, "over 1.2\n", "-CAfile", "served.pem", "-verify_return_error", "-verify_ip",
          "127.0.0.1", "-tls1_2");
      assertThat(byAddress.exitCode()).as(byAddress.stderr()).isZero();
      assertThat(byAddress.out()).matches(CTIME + "over 1\\.2\n");

      Result untrusted = sClient(port, "no\n", "-verify_return_error");
      assertThat(untrusted.exitCode()).as("the system's CAs do not know it").isNotZero();
      assertThat(untrusted.out()).isEmpty();
      assertThat(untrusted.stderr()).contains("self-signed certificate");

      awaitInLog(server, "closed stamp/tls peer=127\\.0\\.0\\.1:\\d+ local=127\\.0\\.0\\.1:" + port
          + " tls=TLSv1\\.3/TLS_\\w+ in=6B out=33B messages=1 duration=\\d+ms reason=peer closed");
      awaitInLog(server, "closed stamp/tls .* tls=TLSv1\\.2/TLS_ECDHE_ECDSA_\\w+ in=9B out=36B");
      assertThat(server.terminate()).isZero();
      assertThat(server.stderr()).doesNotContain("\tat ", "Exception");
    }
  }

  @Test
  @RequiresPrograms(Program.OPENSSL)
  void opensslsOwnCaAndCertificatesServeAndMutualTlsLogsTheClientsSubject() throws Exception {
    opensslPki();
    Result fingerprint = sh("$OPENSSL x509 -in server.pem -noout -fingerprint -sha256");
    assertThat(fingerprint.out()).startsWith("sha256 Fingerprint=");
    String opensslFingerprint = fingerprint.out().substring("sha256 Fingerprint=".length()).trim();
    try (TsechoProcess server = TsechoProcess.serve("--tls", "--tls-cert", dir.resolve("server.pem").toString(),
        "--tls-key", dir.resolve("server.key").toString(), "--tls-client-ca", dir.resolve("ca.pem").toString(),
        "--host", "127.0.0.1", "--port", "0").expectLog(HANDSHAKES_FAILED)) {
      assertThat(server.stderr()).contains("tls subject \"CN=localhost\", sha256 " + opensslFingerprint
          + ", client certificates required (1 CA)");
      int port = server.port();

      Result served = sClient(port, "mutual\n", "-CAfile", "ca.pem", "-verify_return_error", "-verify_hostname",
          "localhost", "-cert", "client.pem", "-key", "client.key");
      assertThat(served.exitCode()).as(served.stderr()).isZero();
      assertThat(served.out()).matches(CTIME + "mutual\n");

      Result refused = sClient(port, "anonymous\n", "-CAfile", "ca.pem", "-verify_return_error");
      assertThat(refused.out()).as("no reply without a client certificate").isEmpty();
      awaitInLog(server, "1 TLS handshakes failed in the last 10 s \\(latest: from 127\\.0\\.0\\.1:\\d+: no client"
          + " certificate\\)");

      awaitInLog(server, "closed stamp/tls peer=127\\.0\\.0\\.1:\\d+ local=127\\.0\\.0\\.1:"
          + port + " tls=TLSv1\\.3/TLS_\\w+ subject=\"O=tsecho tests,CN=openssl client\" in=7B out=34B messages=1"
          + " duration=\\d+ms reason=peer closed");
    }
  }

  @Test
  @RequiresPrograms(Program.PYTHON3)
  void pythonsSslModuleChecksCertificatesMadeByTsechoStrictly() throws Exception {
    TestPki.Ca ca = TestPki.ca("tsecho Test CA", dir);
    TestPki.Issued cert = ca.issue("localhost");
    TestPki.Ca clients = TestPki.ca("Python Clients", dir);
    TestPki.Issued me = clients.issue("python client");
    String script = TsechoProcess.resource("tls/tls_client.py").toString();
    try (TsechoProcess server = TsechoProcess.serve("--tls", "--tls-cert", cert.certificateFile().toString(),
        "--tls-key", cert.keyFile().toString(), "--host", "127.0.0.1", "--port", "0", "--max-line", "16")) {
      int port = server.port();
      for (String version : new String[] {"1.3", "1.2"}) {
        Result r = sh(Program.PYTHON3.path() + " " + script + " localhost " + port + " " + ca.file() + " " + version + " reply 'from python'");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.out()).matches("TLSv" + version.replace(".", "\\.") + "\n" + CTIME + "from python\n");
      }
      Result tooLong = sh(Program.PYTHON3.path() + " " + script + " 127.0.0.1 " + port + " " + ca.file()
          + " 1.3 until-closed '0123456789abcdefXYZ'");
      assertThat(tooLong.exitCode()).as("an end without close_notify would raise SSLEOFError: " + tooLong.stderr()).isZero();
      assertThat(tooLong.out()).isEqualTo(
          "TLSv1.3\ntsecho error: line too long (more than 16 bytes without a newline); closing\n");
    }

    try (TsechoProcess mutual = TsechoProcess.serve("--tls", "--tls-cert", cert.certificateFile().toString(),
        "--tls-key", cert.keyFile().toString(), "--tls-client-ca", clients.file().toString(), "--host", "127.0.0.1", "--port", "0")) {
      Result r = sh(Program.PYTHON3.path() + " " + script + " localhost " + mutual.port() + " " + ca.file() + " 1.3 reply 'with a cert' "
          + me.certificateFile() + " " + me.keyFile());
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.out()).matches("TLSv1\\.3\n" + CTIME + "with a cert\n");
      awaitInLog(mutual, "subject=\"CN=python client\"");
      assertThat(mutual.terminate()).isZero();
    }
  }

  @Test
  @RequiresPrograms(Program.PYTHON3)
  void pythonTrustsTheSelfSignedCertificateAsItsOwnAnchor() throws Exception {
    String script = TsechoProcess.resource("tls/tls_client.py").toString();
    try (TsechoProcess server = TsechoProcess.serve("--tls", "--tls-self-signed", "--host", "127.0.0.1", "--port", "0")) {
      Path served = dir.resolve("served.pem");
      Files.writeString(served, Pem.encode(servedCertificate(server.port())));
      assertThat(TlsIdentity.fingerprint(servedCertificate(server.port()))).isEqualTo(fingerprintIn(server.stderr()));
      for (String host : new String[] {"localhost", "127.0.0.1"}) {
        Result r = sh(Program.PYTHON3.path() + " " + script + " " + host + " " + server.port() + " " + served + " 1.3 reply 'pinned'");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.out()).matches("TLSv1\\.3\n" + CTIME + "pinned\n");
      }
    }
  }

  /** The certificate a server shows, read without trusting it. */
  private static X509Certificate servedCertificate(int port) throws Exception {
    javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
    trustAll.init(null, io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) trustAll.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.startHandshake();
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
          new java.io.ByteArrayInputStream(socket.getSession().getPeerCertificates()[0].getEncoded()));
    }
  }

  @Test
  @RequiresPrograms(Program.HAPROXY)
  void haproxyVerifiesTsechosCertificateAndShowsItsOwn() throws Exception {
    TestPki.Ca ca = TestPki.ca("HAProxy Test CA", dir);
    TestPki.Issued cert = ca.issue("localhost");
    TestPki.Issued haproxyCert = ca.issue("haproxy");
    Path haproxyPem = TestPki.write(dir.resolve("haproxy.pem"), Pem.encode(haproxyCert.certificate()) + Pem.encode(haproxyCert.key()));
    TestPki.Ca otherCa = TestPki.ca("Other CA", dir);
    try (TsechoProcess server = TsechoProcess.serve("--tls", "--tls-cert", cert.certificateFile().toString(),
        "--tls-key", cert.keyFile().toString(), "--tls-client-ca", ca.file().toString(),
        "--host", "127.0.0.1", "--port", "0").expectLog(HANDSHAKES_FAILED)) {
      int port = server.port();
      // Two frontends: one trusts the CA that signed tsecho's certificate, the other does not.
      try (HaproxyProcess haproxy = HaproxyProcess.start(dir, 2, ports -> String.join("\n",
          "defaults",
          "  mode tcp",
          "  timeout connect 5s",
          "  timeout client 30s",
          "  timeout server 30s",
          "frontend trusting",
          "  bind 127.0.0.1:" + ports.get(0),
          "  default_backend tsecho",
          "frontend distrusting",
          "  bind 127.0.0.1:" + ports.get(1),
          "  default_backend wrong_ca",
          "backend tsecho",
          "  server t 127.0.0.1:" + port + " ssl verify required ca-file " + ca.file() + " verifyhost localhost"
              + " sni str(localhost) crt " + haproxyPem,
          "backend wrong_ca",
          "  server t 127.0.0.1:" + port + " ssl verify required ca-file " + otherCa.file() + " verifyhost localhost"
              + " sni str(localhost) crt " + haproxyPem,
          ""))) {
        assertThat(exchange(haproxy.port(0), "through haproxy\n")).matches(CTIME + "through haproxy\n");
        assertThat(exchange(haproxy.port(1), "should not pass\n")).as("HAProxy refuses a certificate it cannot verify").isEmpty();
      }
      awaitInLog(server, "closed stamp/tls peer=127\\.0\\.0\\.1:\\d+ local=127\\.0\\.0\\.1:"
          + "\\d+ tls=TLSv1\\.3/TLS_\\w+ subject=\"CN=haproxy\" in=16B out=43B messages=1 duration=\\d+ms reason=peer closed");
    }
  }

  /** Waits, at most 20 s, for a line in the server's log: it is read from the process as it comes. */
  private static void awaitInLog(TsechoProcess server, String regex) throws InterruptedException {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!pattern.matcher(server.stderr()).find()) {
      assertThat(System.nanoTime() < deadline).as("no line matching " + regex + " in\n" + server.stderr()).isTrue();
      Thread.sleep(20);
    }
  }

  /** Sends a line over plain TCP, half-closes, and returns all that comes back until the connection ends. */
  private static String exchange(int port, String line) throws IOException {
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(20_000);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.getOutputStream().write(line.getBytes(ISO_8859_1));
      socket.shutdownOutput();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(out);
      } catch (IOException reset) {
        // refused by a reset: what came before counts
      }
      return out.toString(ISO_8859_1);
    }
  }
}
