package io.tsecho.config;

import java.nio.file.Path;

/**
 * The server's TLS identity for {@code tls} listeners: a PEM certificate chain and key, or a
 * certificate made at start; and, for mutual TLS, the CAs that client certificates must chain to.
 *
 * @param certificate PEM certificate chain, or null with {@code selfSigned}
 * @param privateKey PEM private key (PKCS#8), or null with {@code selfSigned}
 * @param selfSigned make a certificate at start
 * @param clientCa PEM CA certificates that client certificates must chain to; null asks for none
 */
public record TlsSettings(Path certificate, Path privateKey, boolean selfSigned, Path clientCa) {
  public TlsSettings {
    if (selfSigned && (certificate != null || privateKey != null)) {
      throw new IllegalArgumentException("--tls-self-signed makes its own certificate; leave out --tls-cert and --tls-key");
    }
    if (!selfSigned && (certificate == null || privateKey == null)) {
      throw new IllegalArgumentException("TLS needs --tls-cert and --tls-key, or --tls-self-signed");
    }
  }
}
