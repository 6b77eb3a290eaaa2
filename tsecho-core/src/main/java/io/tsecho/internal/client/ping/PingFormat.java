package io.tsecho.internal.client.ping;

import io.tsecho.internal.client.Durations;
import java.time.Duration;
import java.util.Locale;

/** How ping writes times: milliseconds with microsecond digits. */
public final class PingFormat {
  private PingFormat() {}

  static String millis(Duration d) {
    return String.format(Locale.ROOT, "%.3f ms", d.toNanos() / 1e6);
  }

  static String signedMillis(Duration d) {
    return String.format(Locale.ROOT, "%+.3f ms", d.toNanos() / 1e6);
  }

  static String resolution(Duration d) {
    return Durations.step(d) + (d.toNanos() >= 1_000_000_000L ? ": the offset is known only to the second" : "");
  }

  public static String line(ProbeResult p) {
    if (p.lost()) {
      return "seq=" + p.seq() + " no reply";
    }
    StringBuilder s = new StringBuilder("seq=").append(p.seq()).append(" rtt=").append(millis(p.roundTrip()));
    if (p.stampText() != null) {
      s.append(" stamp=").append(p.stampText());
      if (p.stamp() == null) {
        s.append(" (unreadable)");
      }
    }
    if (p.sample() != null) {
      s.append(" offset=").append(signedMillis(p.sample().offset())).append(" ±").append(millis(p.sample().bound()));
    }
    return s.toString();
  }
}
