package io.tsecho.internal.client.ping;

import io.tsecho.config.ClientConfig;
import io.tsecho.config.Service;
import java.time.Duration;
import java.time.ZoneId;

/**
 * @param count probes to send, 0 for until stopped
 * @param replyTimeout how long a probe waits for its reply before it counts as lost
 * @param ctimeZone the zone a ctime stamp is read in (ctime carries none)
 */
public record PingOptions(ClientConfig target, boolean udp, Service service, Duration interval, long count,
    Duration replyTimeout, ZoneId ctimeZone) {
  public PingOptions {
    if (service != Service.STAMP && service != Service.ECHO) {
      throw new IllegalArgumentException("ping speaks the stamp or echo service, not " + service.cliName());
    }
    if (interval.isNegative() || interval.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("interval must be between 0 and 1 h, got " + interval);
    }
    if (count < 0) {
      throw new IllegalArgumentException("count must be 0 (until stopped) or more, got " + count);
    }
    if (replyTimeout.isNegative() || replyTimeout.isZero()) {
      throw new IllegalArgumentException("reply time-out must be positive, got " + replyTimeout);
    }
  }
}
