package io.tsecho.internal.client.ping;

import io.tsecho.internal.metrics.Json;
import io.tsecho.internal.metrics.LatencySummary;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The end of a ping run: counts, round-trip statistics, and the best estimate of the server's clock offset. */
public record PingReport(String target, String protocol, String service, long sent, long received,
    Duration elapsed, LatencySummary roundTrip, OffsetSample best, String stampFormat, int offsetSamples) {

  public long lost() {
    return sent - received;
  }

  public double lossPercent() {
    return sent == 0 ? 0 : 100.0 * lost() / sent;
  }

  /** The summary printed at the end, like ping's. */
  public List<String> lines() {
    List<String> lines = new java.util.ArrayList<>();
    lines.add("--- " + target + " tsecho ping statistics ---");
    lines.add(String.format(Locale.ROOT, "%d sent, %d received, %d lost (%.1f%% loss), time %d ms",
        sent, received, lost(), lossPercent(), elapsed.toMillis()));
    if (received > 0) {
      LatencySummary r = roundTrip;
      lines.add(String.format(Locale.ROOT, "rtt min/avg/p50/p90/p99/max/stddev = %.3f/%.3f/%.3f/%.3f/%.3f/%.3f/%.3f ms",
          r.minMicros() / 1e3, r.meanMicros() / 1e3, r.p50Micros() / 1e3, r.p90Micros() / 1e3, r.p99Micros() / 1e3,
          r.maxMicros() / 1e3, r.stddevMicros() / 1e3));
    }
    if (best != null) {
      lines.add(String.format(Locale.ROOT, "offset %s ±%s (best of %d: the probe with the smallest round trip, %s;"
              + " %s stamps resolve %s)",
          PingFormat.signedMillis(best.offset()), PingFormat.millis(best.bound()), offsetSamples,
          PingFormat.millis(best.roundTrip()), stampFormat, PingFormat.resolution(best.resolution())));
    } else if (received > 0 && "stamp".equals(service)) {
      lines.add("offset unknown: no stamp in a format tsecho reads");
    }
    return lines;
  }

  public String json() {
    Json j = new Json().put("target", target).put("protocol", protocol).put("service", service)
        .put("sent", sent).put("received", received).put("lost", lost()).put("loss_pct", lossPercent())
        .put("elapsed_ms", elapsed.toMillis());
    if (received > 0) {
      j.put("rtt", Json.of(roundTrip));
    }
    if (best != null) {
      j.put("offset", new Json()
          .put("best_us", best.offset().toNanos() / 1e3)
          .put("bound_us", best.bound().toNanos() / 1e3)
          .put("best_rtt_us", best.roundTrip().toNanos() / 1e3)
          .put("resolution_ns", best.resolution().toNanos())
          .put("format", stampFormat)
          .put("samples", offsetSamples));
    }
    return j.toString();
  }
}
