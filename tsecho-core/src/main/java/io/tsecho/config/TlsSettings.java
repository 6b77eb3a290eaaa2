package io.tsecho.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * The server's TLS identity for {@code tls} listeners: a PEM certificate chain and key, or a
 * certificate made at start; and, for mutual TLS, the CAs that client certificates must chain to.
 *
 * @param certificate PEM certificate chain, or null with {@code selfSigned}
 * @param privateKey PEM private key (PKCS#8), or null with {@code selfSigned}
 * @param selfSigned make a certificate at start
 * @param clientCa PEM CA certificates that client certificates must chain to; null asks for none
 * @param engine the TLS implementation
 */
public record TlsSettings(Path certificate, Path privateKey, boolean selfSigned, Path clientCa, Engine engine) {

  /** Which TLS implementation serves the handshakes and records. */
  public enum Engine {
    /** The JDK's own: no native code. */
    JDK,
    /** OpenSSL (BoringSSL) through netty-tcnative: full handshakes cost a fraction of the JDK's. */
    OPENSSL;

    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Engine parse(String name) {
      for (Engine e : values()) {
        if (e.cliName().equalsIgnoreCase(name)) {
          return e;
        }
      }
      throw new IllegalArgumentException("'" + name + "' is not a TLS engine; use jdk or openssl");
    }
  }

  /** With the JDK's engine. */
  public TlsSettings(Path certificate, Path privateKey, boolean selfSigned, Path clientCa) {
    this(certificate, privateKey, selfSigned, clientCa, Engine.JDK);
  }

  public TlsSettings {
    Objects.requireNonNull(engine, "engine");
    if (selfSigned && (certificate != null || privateKey != null)) {
      throw new IllegalArgumentException("--tls-self-signed makes its own certificate; leave out --tls-cert and --tls-key");
    }
    if (!selfSigned && (certificate == null || privateKey == null)) {
      throw new IllegalArgumentException("TLS needs --tls-cert and --tls-key, or --tls-self-signed");
    }
  }
}
