package io.tsecho.internal.server;

/**
 * User event fired by a stage that must finish before a connection is served (the PROXY header read,
 * the client admitted, the TLS handshake done). The service starts once every stage has passed.
 */
public final class GatePassed {
  public static final GatePassed INSTANCE = new GatePassed();

  private GatePassed() {}

  @Override
  public String toString() {
    return "GatePassed";
  }
}
