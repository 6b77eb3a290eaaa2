package io.tsecho.internal.client.bench;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a bench shard's log says about the run it belongs to, written as comment lines in its header
 * so that a merge can refuse logs of different runs. Counts and the rate are the whole run's, as
 * given on every shard's command line; the shard's own part follows from them.
 */
public final class ShardSettings {
  /** Keys that differ from one shard to the next; all others must be equal. */
  static final String SHARD = "shard";
  static final String SHARD_CONNECTIONS = "shard-connections";
  static final String SHARD_RATE = "shard-rate";
  static final String SHARD_REQUESTS = "shard-requests";
  static final String START_AT = "start-at";
  static final String NOT_SET = "none";

  private ShardSettings() {}

  /**
   * @param total the whole run's options, as given
   * @param startAt when every shard begins its warm-up, or null when they were not told
   */
  public static Map<String, String> of(BenchOptions total, Shard shard, Instant startAt) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("target", total.host() + ":" + total.port());
    s.put("protocol", total.udp() ? "udp" : "tcp");
    s.put("service", total.service().cliName());
    s.put("size", Integer.toString(total.size()));
    s.put("depth", Integer.toString(total.depth()));
    s.put("connections", Integer.toString(total.connections()));
    s.put("rate", number(total.rate()));
    s.put("requests", Long.toString(total.totalRequests()));
    s.put("duration-ms", Long.toString(total.duration().toMillis()));
    s.put("warmup-ms", Long.toString(total.warmup().toMillis()));
    s.put("timeout-ms", Long.toString(total.replyTimeout().toMillis()));
    s.put("shards", Integer.toString(shard.count()));
    s.put(START_AT, startAt == null ? NOT_SET : startAt.toString());
    BenchOptions mine = shard.of(total);
    s.put(SHARD, Integer.toString(shard.index()));
    s.put(SHARD_CONNECTIONS, Integer.toString(mine.connections()));
    s.put(SHARD_RATE, number(mine.rate()));
    s.put(SHARD_REQUESTS, Long.toString(mine.totalRequests()));
    return s;
  }

  /** A rate as written in the log: exact, and the same text for the same value on every machine. */
  static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value) : String.format(Locale.ROOT, "%s", value);
  }

  /** Whether a key may differ between the shards of one run. */
  static boolean perShard(String key) {
    return key.startsWith(SHARD + "-") || key.equals(SHARD);
  }
}
