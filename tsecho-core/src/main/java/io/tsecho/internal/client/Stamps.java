package io.tsecho.internal.client;

import io.tsecho.protocol.StampParser;
import io.tsecho.protocol.StampParser.Stamp;
import java.time.DateTimeException;

/**
 * Stamps as a client reads them from a server it does not control: whatever the text, a stamp or
 * null, never an exception that would end the client.
 */
public final class Stamps {
  private Stamps() {}

  /** A bare stamp, or null if it is in no format tsecho reads or names a time it cannot hold. */
  public static Stamp parse(StampParser parser, String text) {
    try {
      return parser.parse(text);
    } catch (NumberFormatException | DateTimeException e) {
      return null; // digits beyond a long, or a date beyond what an Instant holds
    }
  }

  /** The stamp of a reply {@code "[" + stamp + "] " + payload}, or null as for {@link #parse}. */
  public static Stamp parseReply(StampParser parser, CharSequence reply) {
    try {
      return parser.parseReply(reply);
    } catch (NumberFormatException | DateTimeException e) {
      return null;
    }
  }
}
