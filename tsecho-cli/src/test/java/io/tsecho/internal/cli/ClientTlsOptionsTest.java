package io.tsecho.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TLS options of client, ping and bench that cannot work: one line and exit code 2, before any connection. */
class ClientTlsOptionsTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return TsechoCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  private void assertUsageError(int code, String line) {
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).isEqualTo("tsecho: " + line + "\n");
    assertThat(out.toString()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"client", "ping", "bench"})
  void aTlsOptionWithoutTlsIsNamed(String command) {
    assertUsageError(run(command, "--tls-insecure", "127.0.0.1", "9"), "--tls-insecure needs --tls");
  }

  @ParameterizedTest
  @ValueSource(strings = {"client", "ping", "bench"})
  void tlsOverUdpIsRefused(String command) {
    assertUsageError(run(command, "--udp", "--tls", "127.0.0.1", "9"),
        "--tls is for TCP connections; leave it out with --udp");
  }

  @Test
  void insecureWithACaIsRefused() {
    assertUsageError(run("client", "--tls", "--tls-insecure", "--tls-ca", dir.resolve("ca.pem").toString(),
        "127.0.0.1", "9"), "--tls-insecure trusts any certificate; leave out --tls-ca, or --tls-insecure");
  }

  @Test
  void aCertificateWithoutItsKeyIsRefused() {
    assertUsageError(run("client", "--tls", "--tls-cert", dir.resolve("me.pem").toString(), "127.0.0.1", "9"),
        "a client certificate needs both --tls-cert and --tls-key");
  }

  @Test
  void aMissingCaFileIsNamed() {
    Path missing = dir.resolve("missing.pem");
    int code = run("client", "--tls", "--tls-ca", missing.toString(), "127.0.0.1", "9");
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).startsWith("tsecho: --tls-ca " + missing).endsWith("\n").hasLineCount(1);
  }
}
