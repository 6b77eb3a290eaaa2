package io.tsecho.internal.client.bench;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of N bench processes that together make one load: shard {@code index} of {@code count},
 * counting from 0. Totals are shared out so that the shards add up exactly to them, the lowest
 * indices taking one more where they do not divide evenly.
 */
public record Shard(int index, int count) {
  /** Where Kubernetes' Indexed Jobs put each pod's index. */
  public static final String INDEX_VARIABLE = "JOB_COMPLETION_INDEX";
  /** The whole load in one process. */
  public static final Shard ALONE = new Shard(0, 1);
  private static final Pattern SPEC = Pattern.compile("(?:(\\d{1,9})/)?(\\d{1,9})");

  public Shard {
    if (count < 1) {
      throw new IllegalArgumentException("--shard: the number of shards must be 1 or more, got " + count);
    }
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException("--shard: the index must be between 0 and " + (count - 1) + " for "
          + count + " shard(s), got " + index);
    }
  }

  /**
   * Reads {@code I/N}, or {@code N} alone with I from {@value #INDEX_VARIABLE} in {@code environment}.
   */
  public static Shard parse(String spec, Map<String, String> environment) {
    Matcher m = SPEC.matcher(spec.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("--shard: '" + spec + "' is not I/N (e.g. 0/3) or N");
    }
    int count = Integer.parseInt(m.group(2));
    if (m.group(1) != null) {
      return new Shard(Integer.parseInt(m.group(1)), count);
    }
    String index = environment.get(INDEX_VARIABLE);
    if (index == null || index.isBlank()) {
      throw new IllegalArgumentException("--shard " + spec + " takes its index from " + INDEX_VARIABLE
          + ", which is not set; give it as --shard I/" + spec);
    }
    if (!index.trim().matches("\\d{1,9}")) {
      throw new IllegalArgumentException("--shard " + spec + ": " + INDEX_VARIABLE + " is '" + index
          + "', not a number");
    }
    return new Shard(Integer.parseInt(index.trim()), count);
  }

  /** This shard's part of a count: {@code total / count}, plus one for the first {@code total % count}. */
  public long share(long total) {
    return total / count + (index < total % count ? 1 : 0);
  }

  /**
   * This shard's part of a rate: the whole requests per second shared as {@link #share}, and the
   * fraction to shard 0, so that the parts add up exactly.
   */
  public double share(double rate) {
    double whole = Math.floor(rate);
    return share((long) whole) + (index == 0 ? rate - whole : 0);
  }

  /**
   * The options of this shard's part of a load given by its totals: its connections, its rate and,
   * for an {@code -n} run, its requests. Every shard must get at least one connection, and at a
   * fixed rate at least one request a second.
   */
  public BenchOptions of(BenchOptions total) {
    if (total.connections() < count) {
      throw new IllegalArgumentException("--shard: " + count + " shards need at least " + count
          + " connections, one each; got " + total.connections());
    }
    if (total.rate() > 0 && total.rate() < count) {
      throw new IllegalArgumentException("--shard: a rate of " + total.rate() + "/s cannot be shared among " + count
          + " shards: each needs at least 1 request/s");
    }
    if (total.totalRequests() > 0 && total.totalRequests() < count) {
      throw new IllegalArgumentException("--shard: " + total.totalRequests() + " requests cannot be shared among "
          + count + " shards: each needs at least one");
    }
    return new BenchOptions(total.host(), total.port(), (int) share(total.connections()), total.depth(), total.size(),
        total.duration(), share(total.totalRequests()), total.warmup(), total.udp(),
        total.rate() > 0 ? share(total.rate()) : 0, total.threads(), total.replyTimeout(), total.connectTimeout(),
        total.service(), total.transport());
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
