package io.tsecho.internal.server;

/** User event sent down every connection's pipeline when the server stops: answer what was read, then close. */
public final class ServerShutdown {
  public static final ServerShutdown INSTANCE = new ServerShutdown();

  private ServerShutdown() {}
}
