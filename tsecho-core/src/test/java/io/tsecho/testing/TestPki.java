package io.tsecho.testing;

import io.tsecho.internal.tls.CertificateBuilder;
import io.tsecho.internal.tls.Pem;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;

/** Test CAs and the certificates they issue, written as PEM files, made with tsecho's own certificate writer. */
public final class TestPki {
  private TestPki() {}

  /** A certificate, its key, and the PEM files that hold them. */
  public record Issued(X509Certificate certificate, PrivateKey key, Path certificateFile, Path keyFile) {}

  /** A CA: it issues certificates, and its own is in {@link #file()}. */
  public record Ca(X509Certificate certificate, PrivateKey key, Path file, Path dir) {
    /** A certificate for {@code commonName}, valid now, for {@code localhost}, 127.0.0.1 and ::1. */
    public Issued issue(String commonName) throws Exception {
      return issue(commonName, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)), "EC");
    }

    public Issued issue(String commonName, Instant from, Instant to, String keyAlgorithm) throws Exception {
      KeyPair pair = keyPair(keyAlgorithm);
      X509Certificate certificate = new CertificateBuilder(commonName, pair.getPublic())
          .issuer(this.certificate)
          .validity(from, to)
          .dnsName("localhost")
          .ipAddress(InetAddress.getByName("127.0.0.1"))
          .ipAddress(InetAddress.getByName("::1"))
          .sign(key);
      String base = commonName.replaceAll("[^A-Za-z0-9]", "-");
      return new Issued(certificate, pair.getPrivate(), write(dir.resolve(base + ".crt"), Pem.encode(certificate)),
          write(dir.resolve(base + ".key"), Pem.encode(pair.getPrivate())));
    }
  }

  /** A new CA named {@code commonName}, its files in {@code dir}. */
  public static Ca ca(String commonName, Path dir) throws Exception {
    return ca(commonName, dir, "EC");
  }

  public static Ca ca(String commonName, Path dir, String keyAlgorithm) throws Exception {
    KeyPair pair = keyPair(keyAlgorithm);
    X509Certificate certificate = new CertificateBuilder(commonName, pair.getPublic())
        .validity(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)))
        .ca(true)
        .sign(pair.getPrivate());
    String base = commonName.replaceAll("[^A-Za-z0-9]", "-");
    return new Ca(certificate, pair.getPrivate(), write(dir.resolve(base + ".crt"), Pem.encode(certificate)), dir);
  }

  /** The certificate followed by the CA's, as a server sends its chain. */
  public static Path chain(Issued leaf, Ca ca, Path file) throws IOException {
    return write(file, Pem.encode(leaf.certificate()) + Pem.encode(ca.certificate()));
  }

  public static KeyPair keyPair(String algorithm) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (algorithm.equals("EC")) {
      generator.initialize(new ECGenParameterSpec("secp256r1"));
    } else {
      generator.initialize(2048);
    }
    return generator.generateKeyPair();
  }

  public static Path write(Path file, String text) throws IOException {
    return Files.writeString(file, text);
  }
}
