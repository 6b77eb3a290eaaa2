package io.tsecho.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsecho.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Certificates written by hand in DER must read back, through the JDK's own parser, exactly as written. */
class CertificateBuilderTest {
  private static final Instant NOW = Instant.parse("2026-11-24T13:47:42.750Z");

  private static X509Certificate reparse(X509Certificate certificate) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(certificate.getEncoded()));
  }

  @Test
  void theSelfSignedCertificateReadsBackAsWrittenAndVerifiesWithItsOwnKey() throws Exception {
    TlsIdentity identity = TlsIdentity.selfSigned(NOW);
    X509Certificate certificate = reparse(identity.certificate());

    certificate.verify(certificate.getPublicKey()); // throws if the signature is wrong
    assertThat(certificate.getVersion()).isEqualTo(3);
    assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=tsecho self-signed");
    assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
    assertThat(certificate.getNotBefore().toInstant()).isEqualTo(Instant.parse("2026-11-24T12:47:42Z"));
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(Instant.parse("2027-11-24T13:47:42Z"));
    List<List<?>> names = new ArrayList<>(certificate.getSubjectAlternativeNames());
    assertThat(names).containsExactly(List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
    assertThat(certificate.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(certificate.getCriticalExtensionOIDs()).isEqualTo(Set.of("2.5.29.19"));
    assertThat(certificate.getNonCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.14", "2.5.29.35", "2.5.29.17");
    assertThat(certificate.getSerialNumber().signum()).isEqualTo(1);
    assertThat(certificate.getPublicKey()).isEqualTo(identity.certificate().getPublicKey());
    assertThat(identity.key().getAlgorithm()).isEqualTo("EC");
    assertThat(identity.selfSigned()).isTrue();
  }

  @Test
  void theFingerprintIsTheSha256OfTheEncodingInOpenSslsSpelling() throws Exception {
    TlsIdentity identity = TlsIdentity.selfSigned(NOW);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.certificate().getEncoded());
    StringBuilder expected = new StringBuilder();
    for (byte b : digest) {
      expected.append(expected.length() == 0 ? "" : ":").append(String.format("%02X", b & 0xFF));
    }
    assertThat(identity.fingerprint()).isEqualTo(expected.toString()).hasSize(32 * 3 - 1);
  }

  @Test
  void eachSelfSignedCertificateHasItsOwnKeyAndSerial() {
    TlsIdentity a = TlsIdentity.selfSigned(NOW);
    TlsIdentity b = TlsIdentity.selfSigned(NOW);
    assertThat(a.certificate().getSerialNumber()).isNotEqualTo(b.certificate().getSerialNumber());
    assertThat(a.certificate().getPublicKey()).isNotEqualTo(b.certificate().getPublicKey());
    assertThat(a.fingerprint()).isNotEqualTo(b.fingerprint());
  }

  @Test
  void aCaIssuesCertificatesThatValidateAsAPkixPath() throws Exception {
    KeyPair caKeys = TestPki.keyPair("RSA");
    X509Certificate ca = new CertificateBuilder("Test Root", caKeys.getPublic())
        .validity(NOW.minusSeconds(3600), NOW.plusSeconds(86_400))
        .ca(true)
        .sign(caKeys.getPrivate());
    KeyPair leafKeys = TestPki.keyPair("EC");
    X509Certificate leaf = reparse(new CertificateBuilder("client one", leafKeys.getPublic())
        .issuer(ca)
        .validity(NOW.minusSeconds(60), NOW.plusSeconds(3600))
        .sign(caKeys.getPrivate()));

    assertThat(ca.getSigAlgName()).isEqualTo("SHA256withRSA");
    assertThat(ca.getBasicConstraints()).as("a CA without a path length limit").isEqualTo(Integer.MAX_VALUE);
    assertThat(ca.getKeyUsage()).as("keyCertSign and cRLSign")
        .containsExactly(false, false, false, false, false, true, true, false, false);
    assertThat(ca.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
    leaf.verify(ca.getPublicKey());
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=client one");
    assertThat(leaf.getSubjectAlternativeNames()).isNull();

    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    parameters.setRevocationEnabled(false);
    parameters.setDate(Date.from(NOW));
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters); // throws if invalid
  }

  @Test
  void validityAfter2049IsWrittenAsGeneralizedTimeAndReadsBack() throws Exception {
    KeyPair keys = TestPki.keyPair("EC");
    X509Certificate certificate = reparse(new CertificateBuilder("far", keys.getPublic())
        .validity(Instant.parse("2049-06-01T00:00:00Z"), Instant.parse("2051-02-03T04:05:06.999Z"))
        .sign(keys.getPrivate()));
    assertThat(certificate.getNotBefore().toInstant()).isEqualTo(Instant.parse("2049-06-01T00:00:00Z"));
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(Instant.parse("2051-02-03T04:05:06Z"));
  }

  @Test
  void aValidityThatEndsBeforeItStartsIsRefused() throws Exception {
    KeyPair keys = TestPki.keyPair("EC");
    assertThatThrownBy(() -> new CertificateBuilder("x", keys.getPublic()).validity(NOW, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a certificate's validity must start before it ends: " + NOW + " to " + NOW);
  }
}
