package io.tsecho.internal.client;

import java.time.Duration;
import java.time.Instant;

/**
 * One reading of a remote clock, and how far it is from the local one.
 *
 * @param server the server that answered, as {@code 127.0.0.1:37} or {@code localhost ([::1]:37)}
 * @param remote what the server's clock said, or null if its text could not be read as a time
 * @param raw the reply as received, for display
 * @param localMidpoint the local clock halfway between sending and receiving
 * @param resolution the step of the remote reading (a whole second for RFC 868 and ctime)
 * @param roundTrip from the request (or connect) to the reply
 * @param note how the reading was decoded, e.g. the RFC 868 value and its era
 */
public record ClockReading(String server, Instant remote, String raw, Instant localMidpoint, Duration resolution,
    Duration roundTrip, String note) {

  /**
   * Remote minus local, taking the remote reading as the middle of its resolution step (a clock
   * that shows 12:00:00 is somewhere in [12:00:00, 12:00:01)).
   */
  public Duration offset() {
    Instant remoteMiddle = remote.plus(resolution.dividedBy(2));
    return Duration.between(localMidpoint, remoteMiddle);
  }

  /** Half the resolution plus half the round trip: the offset is certain to lie within ± this. */
  public Duration bound() {
    return resolution.dividedBy(2).plus(roundTrip.dividedBy(2));
  }
}
