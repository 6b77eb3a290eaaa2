package io.tsecho.internal.client;

/** A client failure with a one-line message for the user. */
public final class ClientException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ClientFailure failure;

  public ClientException(ClientFailure failure, String message) {
    super(message);
    this.failure = failure;
  }

  public ClientFailure failure() {
    return failure;
  }
}
