package io.tsecho.internal.client.ping;

import java.time.Duration;
import java.time.Instant;

/**
 * One probe's view of the server's clock. The server read its clock somewhere between the send
 * and the receive; its stamp truncates that reading to the stamp's resolution.
 *
 * @param sent local time the probe left
 * @param received local time its reply arrived
 * @param stamp the server's stamp
 * @param resolution the step of the stamp
 */
public record OffsetSample(Instant sent, Instant received, Instant stamp, Duration resolution) {

  public Duration roundTrip() {
    return Duration.between(sent, received);
  }

  /** The local time halfway between send and receive: the best guess of when the server read its clock. */
  public Instant midpoint() {
    return sent.plus(roundTrip().dividedBy(2));
  }

  /**
   * Server clock minus local clock: the stamp (taken at the middle of its resolution step, since a
   * stamp truncates) minus the midpoint.
   */
  public Duration offset() {
    return Duration.between(midpoint(), stamp.plus(resolution.dividedBy(2)));
  }

  /** The true offset lies within ± this: half the round trip plus half the stamp's step. */
  public Duration bound() {
    return roundTrip().dividedBy(2).plus(resolution.dividedBy(2));
  }

  /**
   * The best estimate from many samples, as NTP's clock filter picks it: the sample with the
   * smallest round trip, whose bound is the tightest and whose path was least delayed.
   */
  public static OffsetSample best(Iterable<OffsetSample> samples) {
    OffsetSample best = null;
    for (OffsetSample s : samples) {
      if (best == null || s.roundTrip().compareTo(best.roundTrip()) < 0) {
        best = s;
      }
    }
    return best;
  }
}
