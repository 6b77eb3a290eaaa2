package io.tsecho.internal.tls;

import java.io.IOException;

/** A TLS handshake that failed, with one line for the user that says why (see {@link TlsFailures}). */
public final class TlsHandshakeException extends IOException {
  private static final long serialVersionUID = 1L;

  public TlsHandshakeException(String message, Throwable cause) {
    super(message, cause);
  }
}
