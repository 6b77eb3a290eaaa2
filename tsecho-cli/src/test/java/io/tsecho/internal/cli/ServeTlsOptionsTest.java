package io.tsecho.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.internal.tls.Pem;
import io.tsecho.testing.TestPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS settings that cannot start a server: each is one line and exit code 2, before any socket is
 * bound. (A mistake here would start a server instead; the time-out ends such a test.)
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServeTlsOptionsTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return TsechoCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  private int serve(String... args) {
    List<String> all = new ArrayList<>(List.of("serve", "--host", "127.0.0.1", "--port", "0"));
    all.addAll(List.of(args));
    return run(all.toArray(new String[0]));
  }

  private void assertUsageError(int code, String line) {
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).isEqualTo("tsecho: " + line + "\n");
  }

  @Test
  void helpListsTheTlsOptions() {
    assertThat(serve("--help")).isZero();
    assertThat(out.toString()).contains("--tls ", "--tls-cert=FILE", "--tls-key=FILE", "--tls-self-signed",
        "--tls-client-ca=FILE", "--tls-engine=NAME");
  }

  @Test
  void tlsWithoutAnIdentityIsRefused() {
    assertUsageError(serve("--tls"), "a tls listener needs --tls-cert and --tls-key, or --tls-self-signed");
  }

  @Test
  void anIdentityWithoutATlsListenerIsRefused() {
    assertUsageError(serve("--tls-self-signed"),
        "TLS settings given but no listener uses TLS: add --tls or a --listen with tls");
  }

  @Test
  void aCertificateNeedsItsKey() {
    assertUsageError(serve("--tls", "--tls-cert", "server.crt"),
        "TLS needs --tls-cert and --tls-key, or --tls-self-signed");
  }

  @Test
  void selfSignedTakesNoFiles() {
    assertUsageError(serve("--tls", "--tls-self-signed", "--tls-cert", "a.crt", "--tls-key", "a.key"),
        "--tls-self-signed makes its own certificate; leave out --tls-cert and --tls-key");
  }

  @Test
  void tlsIsForTheDefaultListenerOnly() {
    assertUsageError(run("serve", "--tls", "--tls-self-signed", "--listen", "stamp/tls/127.0.0.1:0"),
        "--tls makes the default listener speak TLS; with --listen, give tls as the protocol,"
        + " as in stamp/tls/*:21567");
  }

  @Test
  void anUnknownEngineIsNamed() {
    assertUsageError(serve("--tls", "--tls-self-signed", "--tls-engine", "gnutls"),
        "'gnutls' is not a TLS engine; use jdk or openssl");
  }

  @Test
  void anEngineWithoutATlsListenerIsRefused() {
    assertUsageError(serve("--tls-engine", "openssl"), "TLS needs --tls-cert and --tls-key, or --tls-self-signed");
  }

  @Test
  void aMissingCertificateFileIsNamed() {
    Path missing = dir.resolve("missing.crt");
    assertUsageError(serve("--tls", "--tls-cert", missing.toString(), "--tls-key", missing.toString()),
        "--tls-cert " + missing + ": no such file");
  }

  @Test
  void anUnreadablePemFileIsNamed() throws Exception {
    Path text = TestPki.write(dir.resolve("notes.txt"), "just some notes\n");
    assertUsageError(serve("--tls", "--tls-cert", text.toString(), "--tls-key", text.toString()),
        "--tls-cert " + text + " is not a PEM file (no -----BEGIN ...----- block)");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsNamed() throws Exception {
    TestPki.Ca ca = TestPki.ca("Root", dir);
    TestPki.Issued one = ca.issue("one");
    TestPki.Issued two = ca.issue("two");
    assertUsageError(serve("--tls", "--tls-cert", one.certificateFile().toString(), "--tls-key", two.keyFile().toString()),
        "--tls-key " + two.keyFile() + " is not the key of the certificate in --tls-cert " + one.certificateFile()
            + " (CN=one)");
  }

  @Test
  void aClientCaFileWithoutCertificatesIsNamed() throws Exception {
    Path keyOnly = TestPki.write(dir.resolve("ca.pem"), Pem.encode(TestPki.keyPair("EC").getPrivate()));
    assertUsageError(serve("--tls", "--tls-self-signed", "--tls-client-ca", keyOnly.toString()),
        "--tls-client-ca " + keyOnly + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
}
