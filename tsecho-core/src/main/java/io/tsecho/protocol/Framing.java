package io.tsecho.protocol;

/** How the server cuts a TCP byte stream into messages, each of which gets one stamped reply. */
public enum Framing {
  /** Each complete line; a trailing piece without a newline once the client has paused. */
  AUTO,
  /** Complete lines only. */
  LINE,
  /** Each read of at most the buffer size, as the classic server did. */
  RAW;

  /** The spelling used on the command line. */
  public String cliName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
