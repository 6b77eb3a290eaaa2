package io.tsecho.internal.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Writes an X.509 v3 certificate (RFC 5280) in DER and signs it with the JDK's {@link Signature}:
 * a subject and issuer named by their common name, a validity to the second, subject alternative
 * names, basic constraints, and key identifiers. For the server's self-signed certificate, and for
 * test CAs and the certificates they issue. EC keys are signed with SHA256withECDSA, RSA keys with
 * SHA256withRSA.
 */
public final class CertificateBuilder {
  private static final String OID_COMMON_NAME = "2.5.4.3";
  private static final String OID_SUBJECT_KEY_ID = "2.5.29.14";
  private static final String OID_KEY_USAGE = "2.5.29.15";
  private static final String OID_SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String OID_BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String OID_AUTHORITY_KEY_ID = "2.5.29.35";
  private static final String OID_ECDSA_SHA256 = "1.2.840.10045.4.3.2";
  private static final String OID_RSA_SHA256 = "1.2.840.113549.1.1.11";
  /** KeyUsage keyCertSign and cRLSign (bits 5 and 6): one unused bit at the end. */
  private static final byte[] CA_KEY_USAGE = Der.tlv(0x03, new byte[] {1, 0x06});

  private final byte[] subject;
  private final PublicKey subjectKey;
  private byte[] issuer;
  private PublicKey issuerKey;
  private Instant notBefore;
  private Instant notAfter;
  private final List<String> dnsNames = new ArrayList<>();
  private final List<InetAddress> ipAddresses = new ArrayList<>();
  private boolean ca;
  private BigInteger serial;

  /** A certificate for {@code subjectKey}, named {@code CN=commonName}; self-signed unless {@link #issuer} is given. */
  public CertificateBuilder(String commonName, PublicKey subjectKey) {
    this.subject = name(Objects.requireNonNull(commonName, "commonName"));
    this.subjectKey = Objects.requireNonNull(subjectKey, "subjectKey");
    this.issuer = subject;
    this.issuerKey = subjectKey;
  }

  /** Issued by this CA rather than self-signed: its name and key identifier go in the certificate. */
  public CertificateBuilder issuer(X509Certificate caCertificate) {
    this.issuer = caCertificate.getSubjectX500Principal().getEncoded();
    this.issuerKey = caCertificate.getPublicKey();
    return this;
  }

  /** Valid from and to these instants, to the second (the encoding holds no less). */
  public CertificateBuilder validity(Instant from, Instant to) {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("a certificate's validity must start before it ends: " + from + " to " + to);
    }
    this.notBefore = from.truncatedTo(ChronoUnit.SECONDS);
    this.notAfter = to.truncatedTo(ChronoUnit.SECONDS);
    return this;
  }

  public CertificateBuilder dnsName(String name) {
    dnsNames.add(name);
    return this;
  }

  public CertificateBuilder ipAddress(InetAddress address) {
    ipAddresses.add(address);
    return this;
  }

  /** A CA certificate, which may sign others; otherwise an end-entity certificate. */
  public CertificateBuilder ca(boolean ca) {
    this.ca = ca;
    return this;
  }

  public CertificateBuilder serial(BigInteger serial) {
    if (serial.signum() <= 0 || serial.bitLength() > 159) {
      throw new IllegalArgumentException("a serial number is positive and at most 20 bytes, got " + serial);
    }
    this.serial = serial;
    return this;
  }

  /** Signs the certificate with the issuer's private key (the subject's own when self-signed). */
  public X509Certificate sign(PrivateKey issuerPrivateKey) throws GeneralSecurityException {
    if (notBefore == null) {
      throw new IllegalStateException("a certificate needs a validity");
    }
    String signatureName;
    byte[] algorithm;
    switch (issuerPrivateKey.getAlgorithm()) {
      case "EC":
        signatureName = "SHA256withECDSA";
        algorithm = Der.sequence(Der.oid(OID_ECDSA_SHA256));
        break;
      case "RSA":
        signatureName = "SHA256withRSA";
        algorithm = Der.sequence(Der.oid(OID_RSA_SHA256), Der.nul());
        break;
      default:
        throw new IllegalArgumentException("certificates are signed with EC or RSA keys, not " + issuerPrivateKey.getAlgorithm());
    }
    byte[] tbs = Der.sequence(
        Der.explicit(0, Der.integer(2)), // v3
        Der.integer(serial != null ? serial : randomSerial()),
        algorithm,
        issuer,
        Der.sequence(Der.time(notBefore), Der.time(notAfter)),
        subject,
        subjectKey.getEncoded(), // SubjectPublicKeyInfo, as the JDK encodes it
        Der.explicit(3, extensions()));
    Signature signer = Signature.getInstance(signatureName);
    signer.initSign(issuerPrivateKey);
    signer.update(tbs);
    byte[] certificate = Der.sequence(tbs, algorithm, Der.bitString(signer.sign()));
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(certificate));
  }

  private byte[] extensions() throws GeneralSecurityException {
    List<byte[]> extensions = new ArrayList<>();
    // cA is FALSE by default, and DER leaves defaults out.
    extensions.add(extension(OID_BASIC_CONSTRAINTS, true, ca ? Der.sequence(Der.bool(true)) : Der.sequence()));
    if (ca) {
      extensions.add(extension(OID_KEY_USAGE, true, CA_KEY_USAGE));
    }
    extensions.add(extension(OID_SUBJECT_KEY_ID, false, Der.octetString(keyIdentifier(subjectKey))));
    extensions.add(extension(OID_AUTHORITY_KEY_ID, false,
        Der.sequence(Der.implicitPrimitive(0, keyIdentifier(issuerKey)))));
    if (!dnsNames.isEmpty() || !ipAddresses.isEmpty()) {
      List<byte[]> names = new ArrayList<>();
      for (String dns : dnsNames) {
        names.add(Der.implicitPrimitive(2, dns.getBytes(StandardCharsets.US_ASCII)));
      }
      for (InetAddress ip : ipAddresses) {
        names.add(Der.implicitPrimitive(7, ip.getAddress()));
      }
      extensions.add(extension(OID_SUBJECT_ALT_NAME, false, Der.sequence(names.toArray(new byte[0][]))));
    }
    return Der.sequence(extensions.toArray(new byte[0][]));
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical
        ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
        : Der.sequence(Der.oid(oid), Der.octetString(value));
  }

  private static byte[] name(String commonName) {
    return Der.sequence(Der.set(Der.sequence(Der.oid(OID_COMMON_NAME), Der.utf8String(commonName))));
  }

  /** RFC 7093's first method: the leftmost 160 bits of the SHA-256 of the public key, here of its whole encoding. */
  private static byte[] keyIdentifier(PublicKey key) throws GeneralSecurityException {
    return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 20);
  }

  /** 127 random bits: positive, and unpredictable, as RFC 5280 and the CA/Browser Forum ask. */
  private static BigInteger randomSerial() {
    return new BigInteger(127, new SecureRandom()).setBit(126);
  }
}
