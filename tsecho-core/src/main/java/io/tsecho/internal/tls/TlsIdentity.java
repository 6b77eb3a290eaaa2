package io.tsecho.internal.tls;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Who a TLS endpoint says it is: a private key and its certificate chain, the endpoint's own
 * certificate first.
 */
public record TlsIdentity(PrivateKey key, List<X509Certificate> chain, boolean selfSigned) {
  /** The subject of a self-signed certificate. */
  public static final String SELF_SIGNED_NAME = "tsecho self-signed";
  /** A self-signed certificate is valid from a little before it was made, for clients whose clocks lag. */
  static final Duration SELF_SIGNED_BACKDATE = Duration.ofHours(1);
  static final Duration SELF_SIGNED_LIFETIME = Duration.ofDays(365);

  public TlsIdentity {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a TLS identity needs a certificate");
    }
  }

  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** Reads a PEM certificate chain and the PKCS#8 key that belongs to its first certificate. */
  public static TlsIdentity load(Path certificateFile, String certificateOption, Path keyFile, String keyOption) {
    List<X509Certificate> chain = Pem.certificates(certificateFile, certificateOption);
    PrivateKey key = Pem.privateKey(keyFile, keyOption);
    if (!matches(key, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException(keyOption + " " + keyFile + " is not the key of the certificate in "
          + certificateOption + " " + certificateFile + " (" + subject(chain.get(0)) + ")");
    }
    return new TlsIdentity(key, chain, false);
  }

  /**
   * A new EC P-256 key and a certificate for it, signed by itself, valid from an hour before
   * {@code now} for a year, for {@code localhost}, {@code 127.0.0.1} and {@code ::1}.
   */
  public static TlsIdentity selfSigned(Instant now) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      X509Certificate certificate = new CertificateBuilder(SELF_SIGNED_NAME, pair.getPublic())
          .validity(now.minus(SELF_SIGNED_BACKDATE), now.plus(SELF_SIGNED_LIFETIME))
          .dnsName("localhost")
          .ipAddress(InetAddress.getByName("127.0.0.1")) // literals: no name is looked up
          .ipAddress(InetAddress.getByName("::1"))
          .sign(pair.getPrivate());
      return new TlsIdentity(pair.getPrivate(), List.of(certificate), true);
    } catch (GeneralSecurityException | java.net.UnknownHostException e) {
      throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
    }
  }

  /** The SHA-256 of the certificate's encoding, as {@code AB:CD:...}, the way OpenSSL prints it. */
  public String fingerprint() {
    return fingerprint(certificate());
  }

  public static String fingerprint(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A certificate's subject as RFC 2253 writes it, e.g. {@code CN=client one,O=Example}. */
  public static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }

  /** Whether a private key belongs to a public key: what one signs, the other verifies. */
  static boolean matches(PrivateKey key, PublicKey publicKey) {
    String algorithm = key.getAlgorithm().toUpperCase(Locale.ROOT);
    if (!algorithm.equals(publicKey.getAlgorithm().toUpperCase(Locale.ROOT))) {
      return false;
    }
    String signatureName = switch (algorithm) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> algorithm; // EdDSA, Ed25519, Ed448 sign without a separate digest
    };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(signatureName);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(signatureName);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
