package io.tsecho.internal.client.bench;

import io.tsecho.internal.metrics.Json;
import io.tsecho.internal.metrics.LatencySummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one load run. Latency is in microseconds; a run with any error or failed connection failed.
 *
 * @param transport the event-loop transport that ran the load (epoll, io_uring, nio), or the
 *     shards' transports joined by {@code +} where merged shards ran on different ones
 * @param sendLag at a fixed rate, how late the generator itself sent each request (actual minus
 *     intended send time); null for a closed loop, which has no intended times
 * @param stopped the run was stopped early (Ctrl-C): the figures are what it measured until then
 * @param instances whoami only: per server instance, {replies, connections that heard from it}
 */
public record BenchReport(String target, String protocol, String transport, String service, int connections,
    int depth, int size, double rate, Duration measured, long requests, long bytesSent, long bytesReceived, long wrong,
    long missing, long extra, long late, int connectionsFailed, long connectionsLost, LatencySummary latency,
    LatencySummary sendLag, boolean stopped, Map<String, long[]> instances) {

  /** Send lag beyond this share of the latency p99 means the generator, not the server, was late. */
  static final double LATE_SHARE = 0.10;

  public BenchReport {
    instances = instances == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(instances));
  }

  public long errors() {
    return wrong + missing + extra + late;
  }

  public boolean failed() {
    return errors() > 0 || connectionsFailed > 0 || connectionsLost > 0;
  }

  public double requestsPerSecond() {
    return requests / seconds();
  }

  /** Whether the generator's own send lag is a large part of the latency it reports. */
  public boolean generatorLate() {
    return sendLag != null && sendLag.count() > 0 && sendLag.p99Micros() > LATE_SHARE * latency.p99Micros();
  }

  private double seconds() {
    return Math.max(1e-9, measured.toNanos() / 1e9);
  }

  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT,
        "tsecho bench %s over %s (%s, %s): %d connection(s) x %d in flight, %d-byte requests%s",
        target, protocol, service, transport, connections, depth, size,
        rate > 0 ? String.format(Locale.ROOT, ", %.0f requests/s scheduled", rate) : ", closed loop"));
    lines.add(String.format(Locale.ROOT, "%d requests in %.3f s: %.0f requests/s, %.2f MB/s out, %.2f MB/s in%s",
        requests, seconds(), requestsPerSecond(), bytesSent / seconds() / 1e6, bytesReceived / seconds() / 1e6,
        stopped ? " (stopped early)" : ""));
    lines.add(percentiles(rate > 0 ? "latency (from intended send time)" : "latency", latency));
    if (sendLag != null) {
      lines.add(percentiles("send lag (actual minus intended send time)", sendLag));
    }
    if (generatorLate()) {
      lines.add(String.format(Locale.ROOT, "warning: the load generator sent late: its send-lag p99 (%.1f µs) is more"
          + " than %.0f%% of the latency p99 (%.1f µs), so part of that latency is its own; give it more --threads,"
          + " fewer connections or a lower --rate", sendLag.p99Micros(), LATE_SHARE * 100, latency.p99Micros()));
    }
    lines.add(String.format(Locale.ROOT, "errors %d: wrong %d, missing %d, extra %d, late %d; connections failed %d, lost %d",
        errors(), wrong, missing, extra, late, connectionsFailed, connectionsLost));
    if (!instances.isEmpty()) {
      long replies = instances.values().stream().mapToLong(c -> c[0]).sum();
      long connected = instances.values().stream().mapToLong(c -> c[1]).sum();
      instances.forEach((name, c) -> lines.add(String.format(Locale.ROOT,
          "instance %s: %d replies (%.1f%%), %d connection(s) (%.1f%%)", name, c[0], share(c[0], replies), c[1],
          share(c[1], connected))));
      lines.add(String.format(Locale.ROOT, "spread %.2f (the largest instance's share of replies over the smallest's,"
          + " over %d instance(s))", spread(), instances.size()));
    }
    return lines;
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0 : 100.0 * part / whole;
  }

  /** The most replies one instance answered over the fewest: 1.00 is an even spread; 0 without whoami. */
  public double spread() {
    long max = instances.values().stream().mapToLong(c -> c[0]).max().orElse(0);
    long min = instances.values().stream().mapToLong(c -> c[0]).min().orElse(0);
    return min == 0 ? 0 : (double) max / min; // every instance listed answered at least once
  }

  private static String percentiles(String what, LatencySummary l) {
    return String.format(Locale.ROOT, "%s p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  p99.99 %.1f  max %.1f µs",
        what, l.p50Micros(), l.p90Micros(), l.p99Micros(), l.p999Micros(), l.p9999Micros(), l.maxMicros());
  }

  public String json() {
    Json json = new Json().put("target", target).put("protocol", protocol).put("transport", transport)
        .put("service", service)
        .put("connections", connections).put("depth", depth).put("size", size).put("rate", rate)
        .put("measured_s", seconds()).put("requests", requests).put("requests_per_s", requestsPerSecond())
        .put("bytes_sent", bytesSent).put("bytes_received", bytesReceived)
        .put("latency", Json.of(latency));
    if (sendLag != null) {
      json.put("send_lag", Json.of(sendLag)).put("generator_late", generatorLate());
    }
    json.put("errors", new Json().put("total", errors()).put("wrong", wrong).put("missing", missing)
            .put("extra", extra).put("late", late))
        .put("connections_failed", connectionsFailed).put("connections_lost", connectionsLost)
        .put("stopped", stopped).put("ok", !failed());
    if (!instances.isEmpty()) {
      Json perInstance = new Json();
      instances.forEach((name, c) -> perInstance.put(name, new Json().put("replies", c[0]).put("connections", c[1])));
      json.put("instances", perInstance).put("spread", spread());
    }
    return json.toString();
  }
}
