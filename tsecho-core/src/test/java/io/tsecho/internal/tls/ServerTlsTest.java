package io.tsecho.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsecho.config.TlsSettings;
import io.tsecho.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the listening line says of TLS, and the settings that cannot start a server. */
class ServerTlsTest {
  @TempDir Path dir;

  @Test
  void aSelfSignedServerShowsItsFingerprint() {
    ServerTls tls = ServerTls.load(new TlsSettings(null, null, true, null), Instant.now());
    assertThat(tls.describe()).isEqualTo("tls self-signed, sha256 " + tls.identity().fingerprint());
    assertThat(tls.describe()).matches("tls self-signed, sha256 ([0-9A-F]{2}:){31}[0-9A-F]{2}");
    assertThat(tls.requiresClientCertificates()).isFalse();
  }

  @Test
  void aGivenCertificateShowsItsSubjectAndFingerprintAndTheClientCas() throws Exception {
    TestPki.Ca ca = TestPki.ca("Root", dir);
    TestPki.Issued server = ca.issue("server.test");
    TestPki.Ca clients = TestPki.ca("Clients", dir);

    ServerTls tls = ServerTls.load(new TlsSettings(server.certificateFile(), server.keyFile(), false, clients.file()),
        Instant.now());

    assertThat(tls.describe()).isEqualTo("tls subject \"CN=server.test\", sha256 "
        + TlsIdentity.fingerprint(server.certificate()) + ", client certificates required (1 CA)");
    assertThat(tls.requiresClientCertificates()).isTrue();
  }

  @Test
  void theOpenSslEngineIsNamed() throws Exception {
    try (ServerTls tls = ServerTls.load(new TlsSettings(null, null, true, null, TlsSettings.Engine.OPENSSL), Instant.now())) {
      assertThat(tls.describe()).isEqualTo("tls self-signed, sha256 " + tls.identity().fingerprint() + ", engine openssl");
    }
  }

  @Test
  void anExpiredCertificateIsServedAndSaidToBe() throws Exception {
    TestPki.Ca ca = TestPki.ca("Root", dir);
    Instant end = Instant.parse("2025-01-02T03:04:05Z");
    TestPki.Issued old = ca.issue("old", end.minus(Duration.ofDays(30)), end, "EC");
    ServerTls tls = ServerTls.load(new TlsSettings(old.certificateFile(), old.keyFile(), false, null), Instant.now());
    assertThat(tls.describe()).endsWith(", EXPIRED 2025-01-02T03:04:05Z");
  }

  @Test
  void aCaFileWithoutCertificatesStopsTheStart() throws Exception {
    Path empty = TestPki.write(dir.resolve("empty.pem"), Pem.encode(TestPki.keyPair("EC").getPrivate()));
    assertThatThrownBy(() -> ServerTls.load(new TlsSettings(null, null, true, empty), Instant.now()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--tls-client-ca " + empty + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }

  @Test
  void onlyTls13And12AreSpoken() {
    ServerTls tls = ServerTls.load(new TlsSettings(null, null, true, null), Instant.now());
    var handler = tls.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT);
    try {
      assertThat(handler.engine().getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
      assertThat(handler.engine().getUseClientMode()).isFalse();
    } finally {
      io.netty.util.ReferenceCountUtil.release(handler.engine());
    }
  }
}
