package io.tsecho.internal.client.ping;

import io.tsecho.protocol.StampParser.Stamp;
import java.time.Duration;

/**
 * What one probe found.
 *
 * @param roundTrip null when no reply came in time
 * @param stampText the server's stamp as sent, null for echo or a lost probe
 * @param stamp the stamp read as a time, null when there was none or it could not be read
 * @param sample the offset estimate, null without a stamp
 */
public record ProbeResult(long seq, Duration roundTrip, String stampText, Stamp stamp, OffsetSample sample) {
  public boolean lost() {
    return roundTrip == null;
  }
}
