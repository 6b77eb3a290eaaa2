package io.tsecho.soak;

import io.tsecho.protocol.StampParser;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Arrays;

/**
 * Checks the replies of one connection: each must be {@code "[" + stamp + "] "} followed by exactly
 * the bytes of the request it answers, and its stamp must read as a time between the request's
 * sending and now (give or take the stamp's resolution and two seconds of slack).
 */
final class ReplyCheck {
  private static final long SLACK_MILLIS = 2000;
  private static final int SHOWN = 80;

  /** ctime carries no zone: the server's stamps are read in this machine's zone, which it shares. */
  private final StampParser stamps = new StampParser(ZoneId.systemDefault());

  /** Null when {@code reply} answers {@code payload}, sent at {@code sentMillis}; otherwise what is wrong with it. */
  String problem(byte[] reply, byte[] payload, long sentMillis) {
    int close = indexOfStampEnd(reply);
    if (close < 0) {
      return "expected a stamped reply to " + show(payload) + ", got " + show(reply);
    }
    StampParser.Stamp stamp = stamps.parse(new String(reply, 1, close - 1, StandardCharsets.ISO_8859_1));
    if (stamp == null) {
      return "unreadable stamp in " + show(reply);
    }
    long stampMillis = stamp.instant().toEpochMilli();
    long now = System.currentTimeMillis();
    if (stampMillis + stamp.resolution().toMillis() < sentMillis - SLACK_MILLIS || stampMillis > now + SLACK_MILLIS) {
      return "stamp " + stamp.instant() + " is not a time between the request (" + sentMillis + " ms) and its reply ("
          + now + " ms): " + show(reply);
    }
    if (!Arrays.equals(reply, close + 2, reply.length, payload, 0, payload.length)) {
      return "expected [stamp] " + show(payload) + ", got " + show(reply);
    }
    return null;
  }

  /** Index of the ']' of the "] " that closes the stamp; -1 if the reply does not open with one. */
  private static int indexOfStampEnd(byte[] reply) {
    if (reply.length < 3 || reply[0] != '[') {
      return -1;
    }
    for (int i = 1; i + 1 < reply.length; i++) {
      if (reply[i] == ']' && reply[i + 1] == ' ') {
        return i;
      }
    }
    return -1;
  }

  /** Bytes as a quoted line for the error log: printable ASCII as it is, the rest escaped, long ones cut. */
  static String show(byte[] bytes) {
    if (bytes == null) {
      return "nothing";
    }
    StringBuilder s = new StringBuilder("'");
    for (int i = 0; i < bytes.length && i < SHOWN; i++) {
      int b = bytes[i] & 0xff;
      if (b >= 0x20 && b < 0x7f && b != '\\' && b != '\'') {
        s.append((char) b);
      } else {
        s.append(String.format("\\x%02x", b));
      }
    }
    s.append('\'');
    if (bytes.length > SHOWN) {
      s.append(" (").append(bytes.length).append(" bytes)");
    }
    return s.toString();
  }
}
