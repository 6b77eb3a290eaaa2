package io.tsecho.config;

import java.nio.file.Path;

/**
 * How a client speaks TLS: which servers it trusts, and the certificate it shows for mutual TLS.
 * The server's certificate is checked against the host name the client was given.
 *
 * @param ca PEM CA certificates (or the server's own self-signed certificate) to trust instead of
 *     the JDK's; null trusts the JDK's CAs
 * @param insecure trust any certificate for any name: for testing, never for measuring a real path
 * @param certificate PEM certificate chain shown to a server that asks for one, or null
 * @param privateKey PEM private key (PKCS#8) of that certificate, or null
 */
public record ClientTlsSettings(Path ca, boolean insecure, Path certificate, Path privateKey) {
  /** Trusts the JDK's CAs and shows no certificate. */
  public static final ClientTlsSettings DEFAULTS = new ClientTlsSettings(null, false, null, null);

  public ClientTlsSettings {
    if (insecure && ca != null) {
      throw new IllegalArgumentException("--tls-insecure trusts any certificate; leave out --tls-ca, or --tls-insecure");
    }
    if ((certificate == null) != (privateKey == null)) {
      throw new IllegalArgumentException("a client certificate needs both --tls-cert and --tls-key");
    }
  }
}
