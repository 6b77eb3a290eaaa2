package io.tsecho.server;

import java.nio.charset.StandardCharsets;

/** The one line a client gets before the server closes its connection for breaking a rule. */
public final class ErrorReplies {
  private ErrorReplies() {}

  public static byte[] lineTooLong(int maxLine) {
    return line("line too long (more than " + maxLine + " bytes without a newline); closing");
  }

  public static byte[] tooManyConnections(int maxConnections) {
    return line("too many connections (limit " + maxConnections + "); closing");
  }

  private static byte[] line(String text) {
    return ("tsecho error: " + text + "\n").getBytes(StandardCharsets.US_ASCII);
  }
}
