package io.tsecho.internal.server;

/** Why a TCP connection ended, as its log line and the server's counts name it. */
public enum CloseReason {
  PEER_CLOSED("peer closed"),
  SERVED("served"),
  IDLE_TIMEOUT("idle timeout"),
  LINE_TOO_LONG("line too long"),
  LINE_TIMEOUT("line timeout"),
  WRITE_TIMEOUT("write timeout"),
  BUFFER_LIMIT("buffer limit"),
  SERVER_SHUTDOWN("server shutdown"),
  /** A fault injected on purpose (--fault) ended it. */
  FAULT("fault"),
  ERROR("error"),
  CLOSED("closed");

  private final String text;

  CloseReason(String text) {
    this.text = text;
  }

  /** The words in the connection's log line, e.g. {@code idle timeout}. */
  public String text() {
    return text;
  }
}
