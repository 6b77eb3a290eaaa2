package io.tsecho.internal.client.bench;

import io.tsecho.internal.metrics.LatencySummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * The report of a run made by several bench shards, from their logs, exactly: the histograms are
 * added interval by interval, never their percentiles averaged; requests, bytes and errors are
 * summed, and the throughput is the sum over the window the shards measured together (they began
 * at one --start-at, so the longest shard's window holds every other). Logs of different runs, or
 * a set with a shard twice or one missing, are refused.
 */
public final class ShardMerge {
  /**
   * @param latencyNanos every measured latency of every shard
   * @param intervals per interval (its order in each log: the shards began together), the sum over the shards
   */
  public record Merged(BenchReport report, Histogram latencyNanos, List<Histogram> intervals, int shards) {}

  private ShardMerge() {}

  public static Merged of(List<Path> files) {
    List<ShardLogFile> logs = new ArrayList<>();
    for (Path file : files) {
      logs.add(ShardLogFile.read(file));
    }
    return merge(logs);
  }

  static Merged merge(List<ShardLogFile> unordered) {
    if (unordered.isEmpty()) {
      throw new IllegalArgumentException("bench merge: no log to merge");
    }
    List<ShardLogFile> logs = new ArrayList<>(unordered);
    logs.sort(Comparator.comparingLong(l -> index(l)));
    refuseMismatches(logs);

    List<Histogram> intervals = new ArrayList<>();
    Histogram latency = LatencySummary.newNanosHistogram();
    Histogram sendLag = LatencySummary.newNanosHistogram();
    Map<String, long[]> instances = new TreeMap<>();
    long measured = 1;
    long requests = 0;
    long sent = 0;
    long received = 0;
    long wrong = 0;
    long missing = 0;
    long extra = 0;
    long late = 0;
    long failed = 0;
    long lost = 0;
    boolean stopped = false;
    for (ShardLogFile log : logs) {
      for (int i = 0; i < log.latency().size(); i++) {
        if (intervals.size() == i) {
          intervals.add(LatencySummary.newNanosHistogram());
        }
        add(intervals.get(i), log.latency().get(i), log);
        add(latency, log.latency().get(i), log);
      }
      for (Histogram h : log.sendLag()) {
        add(sendLag, h, log);
      }
      Instances.merge(instances, log.instances());
      measured = Math.max(measured, log.result("measured-ns"));
      requests += log.result("requests");
      sent += log.result("bytes-sent");
      received += log.result("bytes-received");
      wrong += log.result("wrong");
      missing += log.result("missing");
      extra += log.result("extra");
      late += log.result("late");
      failed += log.result("connections-failed");
      lost += log.result("connections-lost");
      stopped |= Boolean.parseBoolean(log.results().get("stopped"));
    }
    return new Merged(report(logs.get(0), transports(logs), measured, requests, sent, received, wrong, missing, extra,
        late, failed, lost, latency, sendLag, stopped, instances), latency, intervals, logs.size());
  }

  private static BenchReport report(ShardLogFile first, String transport, long measured, long requests, long sent,
      long received, long wrong, long missing, long extra, long late, long failed, long lost, Histogram latency,
      Histogram sendLag, boolean stopped, Map<String, long[]> instances) {
    try {
      double rate = Double.parseDouble(first.setting("rate"));
      return new BenchReport(first.results().getOrDefault("target-address", first.setting("target")),
          first.setting("protocol"), transport, first.setting("service"),
          Integer.parseInt(first.setting("connections")), Integer.parseInt(first.setting("depth")),
          Integer.parseInt(first.setting("size")), rate,
          Duration.ofNanos(measured), requests, sent, received, wrong, missing, extra, late, (int) failed, lost,
          LatencySummary.of(latency), rate > 0 ? LatencySummary.of(sendLag) : null, stopped, instances);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bench merge: " + first.file() + ": a setting is not a number ("
          + e.getMessage() + ")");
    }
  }

  /** The shards' transports, each once in shard order: shards on different machines may resolve auto differently. */
  private static String transports(List<ShardLogFile> logs) {
    return logs.stream().map(log -> log.results().getOrDefault("transport", "unknown")).distinct()
        .collect(Collectors.joining("+"));
  }

  private static void add(Histogram into, Histogram from, ShardLogFile log) {
    try {
      into.add(from);
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("bench merge: " + log.file() + " holds latencies beyond an hour, which no"
          + " tsecho bench records");
    }
  }

  private static long index(ShardLogFile log) {
    try {
      return Long.parseLong(log.setting(ShardSettings.SHARD));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bench merge: " + log.file() + ": its shard index is '"
          + log.setting(ShardSettings.SHARD) + "', not a number");
    }
  }

  /** Every log must come from one run, and together they must be each of its shards once. */
  private static void refuseMismatches(List<ShardLogFile> logs) {
    ShardLogFile first = logs.get(0);
    for (ShardLogFile log : logs.subList(1, logs.size())) {
      for (String key : union(first, log)) {
        if (!ShardSettings.perShard(key) && !first.setting(key).equals(log.setting(key))) {
          throw new IllegalArgumentException("bench merge: " + log.file() + " was written with " + key + "="
              + log.setting(key) + ", " + first.file() + " with " + key + "=" + first.setting(key)
              + ": only shards of one run can be merged");
        }
      }
    }
    int shards;
    try {
      shards = Integer.parseInt(first.setting("shards"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bench merge: " + first.file() + ": its number of shards is '"
          + first.setting("shards") + "', not a number");
    }
    if (shards > 1 && ShardSettings.NOT_SET.equals(first.setting(ShardSettings.START_AT))) {
      throw new IllegalArgumentException("bench merge: the shards ran without --start-at, so they did not measure"
          + " the same window; run them with one --start-at");
    }
    for (int i = 1; i < logs.size(); i++) {
      if (index(logs.get(i)) == index(logs.get(i - 1))) {
        throw new IllegalArgumentException("bench merge: " + logs.get(i - 1).file() + " and " + logs.get(i).file()
            + " are both shard " + index(logs.get(i)) + "/" + shards);
      }
    }
    List<Long> missing = new ArrayList<>();
    for (long i = 0, next = 0; i < shards; i++) {
      if (next < logs.size() && index(logs.get((int) next)) == i) {
        next++;
      } else {
        missing.add(i);
      }
    }
    if (!missing.isEmpty() || logs.size() != shards) {
      throw new IllegalArgumentException("bench merge: the run had " + shards + " shard(s); "
          + (missing.isEmpty() ? "these logs are not its shards" : "the log of shard(s) " + missing + " is missing"));
    }
  }

  private static List<String> union(ShardLogFile a, ShardLogFile b) {
    List<String> keys = new ArrayList<>(a.settings().keySet());
    b.settings().keySet().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
    return keys;
  }
}
