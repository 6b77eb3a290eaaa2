package io.tsecho.internal.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The one line a client gets before the server closes its connection for breaking a rule. */
public final class ErrorReplies {
  private ErrorReplies() {}

  public static byte[] lineTooLong(int maxLine) {
    return line("line too long (more than " + maxLine + " bytes without a newline); closing");
  }

  public static byte[] tooManyConnections(int maxConnections) {
    return line("too many connections (limit " + maxConnections + "); closing");
  }

  public static byte[] tooManyFromSource(int limit) {
    return line("too many connections from your address (limit " + limit + "); closing");
  }

  public static byte[] bufferLimit() {
    return line("server buffer limit reached; closing");
  }

  public static byte[] lineTimeout(Duration timeout) {
    return line("line not finished within " + compact(timeout) + "; closing");
  }

  /** A duration as it is written on the command line: {@code 30s}, {@code 500ms}, {@code 2m}. */
  static String compact(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s % 3600 == 0 && s > 0) {
      return s / 3600 + "h";
    }
    return s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
  }

  private static byte[] line(String text) {
    return ("tsecho error: " + text + "\n").getBytes(StandardCharsets.US_ASCII);
  }
}
