package io.tsecho.internal.tls;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files (RFC 7468) as OpenSSL writes them: certificates, and unencrypted PKCS#8 private keys
 * (RSA, EC, EdDSA). Text around the blocks, such as OpenSSL's {@code subject=} lines, is ignored.
 * Every problem is an {@link IllegalArgumentException} with one line that names the option and the file.
 */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
  /** A file far larger than any certificate chain is not one: read no further than this. */
  private static final long MAX_FILE = 1 << 20;
  private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "EdDSA"};

  private Pem() {}

  /** One PEM block: its label and its base64 text, decoded when it is used. */
  private record Block(Path file, String option, String label, String base64) {
    byte[] der() {
      try {
        return Base64.getMimeDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(option + " " + file + ": the " + label + " block is not valid base64");
      }
    }
  }

  /**
   * The certificates of a PEM file, in the order written (for a chain: the server's own first).
   *
   * @param option the option that named the file, for messages
   */
  public static List<X509Certificate> certificates(Path file, String option) {
    List<X509Certificate> certificates = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("this Java has no X.509 support: " + e.getMessage(), e);
    }
    for (Block block : blocks(file, option)) {
      if (block.label().equals("CERTIFICATE")) {
        try {
          certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
        } catch (CertificateException e) {
          throw new IllegalArgumentException(option + " " + file + ": certificate " + (certificates.size() + 1)
              + " cannot be read (" + firstLine(e) + ")");
        }
      }
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(option + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certificates;
  }

  /** The one private key of a PEM file, which may hold certificates besides. */
  public static PrivateKey privateKey(Path file, String option) {
    List<Block> keys = new ArrayList<>();
    for (Block block : blocks(file, option)) {
      switch (block.label()) {
        case "PRIVATE KEY":
          keys.add(block);
          break;
        case "RSA PRIVATE KEY":
        case "EC PRIVATE KEY":
          throw new IllegalArgumentException(option + " " + file + " holds a key in the older " + block.label()
              + " form; tsecho reads PKCS#8 (BEGIN PRIVATE KEY): convert it with"
              + " openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(option + " " + file + " holds an encrypted key; tsecho reads unencrypted"
              + " ones: decrypt it with openssl pkcs8 -in " + file + " -out key.pem");
        default:
          break;
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(option + " " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    if (keys.size() > 1) {
      throw new IllegalArgumentException(option + " " + file + " holds " + keys.size() + " private keys; give one");
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0).der());
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
        // not this algorithm: try the next
      }
    }
    throw new IllegalArgumentException(option + " " + file + ": the private key cannot be read as an RSA, EC or EdDSA key");
  }

  /** A PEM block of this label around these bytes, lines of 64 characters, as OpenSSL writes it. */
  public static String encode(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  public static String encode(X509Certificate certificate) {
    try {
      return encode("CERTIFICATE", certificate.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String encode(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException("only PKCS#8 keys are written, not " + key.getFormat());
    }
    return encode("PRIVATE KEY", key.getEncoded());
  }

  private static List<Block> blocks(Path file, String option) {
    String text = read(file, option);
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      blocks.add(new Block(file, option, m.group(1), m.group(2)));
    }
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException(option + " " + file + " is not a PEM file (no -----BEGIN ...----- block)");
    }
    return blocks;
  }

  private static String read(Path file, String option) {
    try {
      if (Files.isDirectory(file)) {
        throw new IllegalArgumentException(option + " " + file + " is a directory, not a PEM file");
      }
      if (Files.size(file) > MAX_FILE) {
        throw new IllegalArgumentException(option + " " + file + " is larger than 1 MiB: not a PEM file");
      }
      return new String(Files.readAllBytes(file), US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(option + " " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(option + " " + file + ": permission denied");
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " " + file + ": cannot read (" + firstLine(e) + ")");
    }
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int eol = message.indexOf('\n');
    return eol < 0 ? message : message.substring(0, eol);
  }
}
