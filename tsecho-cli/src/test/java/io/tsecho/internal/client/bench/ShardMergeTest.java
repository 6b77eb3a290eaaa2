package io.tsecho.internal.client.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import io.tsecho.internal.client.bench.LoadGenerator.Interval;
import io.tsecho.internal.metrics.LatencySummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards' logs written by {@link ShardLog}, added by {@link ShardMerge}: exactly, and only if they belong together. */
class ShardMergeTest {
  private static final Instant START = Instant.parse("2026-11-25T20:00:00Z");
  private static final int INTERVALS = 5;

  @TempDir Path dir;

  private static BenchOptions total(int size, double rate) {
    return new BenchOptions("10.0.0.1", 21566, 30, 2, size, Duration.ofSeconds(INTERVALS), 0, Duration.ofSeconds(1),
        false, rate, 0, Duration.ofSeconds(5), Duration.ofSeconds(5), Service.WHOAMI, Transport.AUTO);
  }

  /** What one shard measured: its values per interval, and its counts. */
  private record Recorded(List<Histogram> intervals, List<Histogram> sendLag, BenchReport report) {}

  /**
   * Writes shard {@code index}'s log with latencies drawn at random over six decades (so every
   * bucket size of the histogram is used), and records every value into {@code all} as well.
   */
  private Path shard(int index, int count, BenchOptions total, Instant start, Histogram all, Histogram allLag,
      SplittableRandom random) throws Exception {
    Path file = dir.resolve("shard-" + index + "-" + random.nextInt(1_000_000) + ".hlog");
    List<Histogram> intervals = new ArrayList<>();
    List<Histogram> lags = new ArrayList<>();
    long requests = 0;
    try (ShardLog log = ShardLog.create(file, ShardSettings.of(total, new Shard(index, count), start),
        start.toEpochMilli())) {
      log.interval(interval(false, LatencySummary.newNanosHistogram(), LatencySummary.newNanosHistogram()),
          total.rate() > 0);
      for (int i = 0; i < INTERVALS; i++) {
        Histogram h = LatencySummary.newNanosHistogram();
        Histogram lag = LatencySummary.newNanosHistogram();
        int n = 1 + random.nextInt(5_000);
        for (int k = 0; k < n; k++) {
          long nanos = (long) Math.pow(10, 2 + 6 * random.nextDouble());
          h.recordValue(nanos);
          all.recordValue(nanos);
          long lagNanos = 1 + random.nextInt(50_000);
          lag.recordValue(lagNanos);
          allLag.recordValue(lagNanos);
        }
        h.setStartTimeStamp(start.toEpochMilli() + 1000L * (i + 1));
        h.setEndTimeStamp(start.toEpochMilli() + 1000L * (i + 2));
        lag.setStartTimeStamp(h.getStartTimeStamp());
        lag.setEndTimeStamp(h.getEndTimeStamp());
        requests += n;
        intervals.add(h);
        lags.add(lag);
        log.interval(interval(true, h, lag), total.rate() > 0);
      }
      log.finish(report(requests, index, Duration.ofSeconds(INTERVALS).plusMillis(index)));
    }
    return file;
  }

  /** A shard whose latencies the test does not look at. */
  private Path shard(int index, int count, BenchOptions total, Instant start, SplittableRandom random)
      throws Exception {
    Histogram ignored = LatencySummary.newNanosHistogram();
    return shard(index, count, total, start, ignored, ignored, random);
  }

  private static Interval interval(boolean measuring, Histogram latency, Histogram lag) {
    return new Interval(1, measuring, latency, LatencySummary.newNanosHistogram(), lag, 0);
  }

  /**
   * A shard's counts: every count differs from shard to shard so that a sum cannot pass by chance.
   * Shard 2 ran on io_uring, the others on epoll.
   */
  private static BenchReport report(long requests, int index, Duration measured) {
    return new BenchReport("10.0.0.1:21566", "tcp", index == 2 ? "io_uring" : "epoll", "whoami", 10, 2, 64, 0, measured,
        requests, 64 * requests, 80 * requests, index, 10L * index, 100L * index, 1000L * index, index, 7L * index,
        LatencySummary.of(LatencySummary.newNanosHistogram()), null, false,
        Map.of("pod-" + index, new long[] {requests, 3}, "pod-shared", new long[] {1, 1}));
  }

  @Test
  void theMergeOfThreeShardsIsOneHistogramOfAllTheirValuesPercentileForPercentile() throws Exception {
    Histogram all = LatencySummary.newNanosHistogram();
    Histogram allLag = LatencySummary.newNanosHistogram();
    SplittableRandom random = new SplittableRandom(15);
    BenchOptions total = total(64, 0);
    List<Path> files = List.of(shard(2, 3, total, START, all, allLag, random),
        shard(0, 3, total, START, all, allLag, random), shard(1, 3, total, START, all, allLag, random));

    ShardMerge.Merged merged = ShardMerge.of(files);

    assertThat(merged.latencyNanos()).isEqualTo(all);
    assertThat(merged.latencyNanos().getTotalCount()).isEqualTo(all.getTotalCount());
    for (double p = 0; p <= 100; p += 0.125) {
      assertThat(merged.latencyNanos().getValueAtPercentile(p)).as("p%s", p).isEqualTo(all.getValueAtPercentile(p));
    }
    for (double p : new double[] {99.9, 99.99, 99.999, 100}) {
      assertThat(merged.latencyNanos().getValueAtPercentile(p)).as("p%s", p).isEqualTo(all.getValueAtPercentile(p));
    }
    assertThat(merged.latencyNanos().getMaxValue()).isEqualTo(all.getMaxValue());
    assertThat(merged.latencyNanos().getMinValue()).isEqualTo(all.getMinValue());
    assertThat(merged.intervals()).hasSize(INTERVALS);
    assertThat(merged.intervals().stream().mapToLong(Histogram::getTotalCount).sum()).isEqualTo(all.getTotalCount());

    BenchReport report = merged.report();
    assertThat(report.latency()).isEqualTo(LatencySummary.of(all));
    assertThat(report.requests()).isEqualTo(all.getTotalCount());
    assertThat(report.bytesSent()).isEqualTo(64 * all.getTotalCount());
    assertThat(report.bytesReceived()).isEqualTo(80 * all.getTotalCount());
    assertThat(List.of(report.wrong(), report.missing(), report.extra(), report.late(), report.connectionsLost()))
        .containsExactly(3L, 30L, 300L, 3000L, 21L);
    assertThat(report.connectionsFailed()).isEqualTo(3);
    assertThat(report.connections()).as("the whole run's").isEqualTo(30);
    assertThat(report.measured()).as("the longest shard's window")
        .isEqualTo(Duration.ofSeconds(INTERVALS).plusMillis(2));
    assertThat(report.sendLag()).as("a closed loop has none").isNull();
    assertThat(report.instances().keySet()).containsExactly("pod-0", "pod-1", "pod-2", "pod-shared");
    assertThat(report.instances().get("pod-shared")).containsExactly(3, 3);
    assertThat(report.lines().get(0)).isEqualTo(
        "tsecho bench 10.0.0.1:21566 over tcp (whoami, epoll+io_uring): 30 connection(s) x 2 in flight, 64-byte"
            + " requests, closed loop");
  }

  @Test
  void atAFixedRateTheSendLagIsMergedAsExactly() throws Exception {
    Histogram all = LatencySummary.newNanosHistogram();
    Histogram allLag = LatencySummary.newNanosHistogram();
    SplittableRandom random = new SplittableRandom(16);
    BenchOptions total = total(64, 3000);
    List<Path> files = List.of(shard(0, 2, total, START, all, allLag, random),
        shard(1, 2, total, START, all, allLag, random));

    BenchReport report = ShardMerge.of(files).report();

    assertThat(report.latency()).isEqualTo(LatencySummary.of(all));
    assertThat(report.sendLag()).isEqualTo(LatencySummary.of(allLag));
    assertThat(report.rate()).isEqualTo(3000);
    assertThat(report.transport()).as("both shards ran on epoll").isEqualTo("epoll");
  }

  @Test
  void aLogWrittenBeforeBenchNamedItsTransportMergesAsUnknown() throws Exception {
    SplittableRandom random = new SplittableRandom(19);
    Path zero = shard(0, 2, total(64, 0), START, random);
    Path one = shard(1, 2, total(64, 0), START, random);
    List<String> lines = Files.readAllLines(one, UTF_8);
    assertThat(lines.removeIf(line -> line.equals("#tsecho-result transport=epoll"))).isTrue();
    Files.write(one, lines, UTF_8);

    assertThat(ShardMerge.of(List.of(zero, one)).report().transport()).isEqualTo("epoll+unknown");
  }

  @Test
  void refusesShardsOfDifferentRuns() throws Exception {
    SplittableRandom random = new SplittableRandom(17);
    Path a = shard(0, 2, total(64, 0), START, random);
    Path b = shard(1, 2, total(128, 0), START, random);
    assertThatThrownBy(() -> ShardMerge.of(List.of(a, b))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bench merge: " + b + " was written with size=128, " + a + " with size=64: only shards of one"
            + " run can be merged");

    Path late = shard(1, 2, total(64, 0), START.plusSeconds(1), random);
    assertThatThrownBy(() -> ShardMerge.of(List.of(a, late))).hasMessage("bench merge: " + late
        + " was written with start-at=2026-11-25T20:00:01Z, " + a + " with start-at=2026-11-25T20:00:00Z: only"
        + " shards of one run can be merged");
  }

  @Test
  void refusesADuplicateOrAMissingShard() throws Exception {
    SplittableRandom random = new SplittableRandom(18);
    Path zero = shard(0, 3, total(64, 0), START, random);
    Path one = shard(1, 3, total(64, 0), START, random);
    Path oneAgain = shard(1, 3, total(64, 0), START, random);
    Path two = shard(2, 3, total(64, 0), START, random);

    assertThatThrownBy(() -> ShardMerge.of(List.of(zero, one, oneAgain, two))).hasMessage(
        "bench merge: " + one + " and " + oneAgain + " are both shard 1/3");
    assertThatThrownBy(() -> ShardMerge.of(List.of(zero, two))).hasMessage(
        "bench merge: the run had 3 shard(s); the log of shard(s) [1] is missing");
  }

  @Test
  void refusesShardsThatDidNotStartTogether() throws Exception {
    SplittableRandom random = new SplittableRandom(19);
    Path zero = shardWithoutStart(0, random);
    Path one = shardWithoutStart(1, random);
    assertThatThrownBy(() -> ShardMerge.of(List.of(zero, one))).hasMessage("bench merge: the shards ran without"
        + " --start-at, so they did not measure the same window; run them with one --start-at");
  }

  private Path shardWithoutStart(int index, SplittableRandom random) throws Exception {
    Path file = shard(index, 2, total(64, 0), START, random);
    String text = Files.readString(file, UTF_8).replace("start-at=" + START, "start-at=none");
    Files.writeString(file, text, UTF_8);
    return file;
  }

  @Test
  void refusesAFileThatIsNotAFinishedShardLog() throws Exception {
    Path missing = dir.resolve("nothing.hlog");
    assertThatThrownBy(() -> ShardMerge.of(List.of(missing))).hasMessage("bench merge: " + missing + ": no such file");

    Path plain = dir.resolve("plain.hlog");
    Files.writeString(plain, "#[Histogram log format version 1.3]\n", UTF_8);
    assertThatThrownBy(() -> ShardMerge.of(List.of(plain))).hasMessage("bench merge: " + plain
        + " is not the --hdr-log of a tsecho bench (its header has no settings)");

    SplittableRandom random = new SplittableRandom(20);
    Path cut = shard(0, 1, total(64, 0), START, random);
    List<String> lines = Files.readAllLines(cut, UTF_8);
    Files.write(cut, lines.stream().filter(l -> !l.startsWith("#tsecho-result")).toList(), UTF_8);
    assertThatThrownBy(() -> ShardMerge.of(List.of(cut))).hasMessage("bench merge: " + cut
        + " has no counts at its end: its bench did not finish");

    Path garbled = shard(0, 1, total(64, 0), START, random);
    Files.writeString(garbled, Files.readString(garbled, UTF_8).replaceFirst(",HISTF[A-Za-z0-9+/=]{8}", ",HISTFxx"),
        UTF_8);
    assertThatThrownBy(() -> ShardMerge.of(List.of(garbled))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bench merge: " + garbled + ": a histogram cannot be read (");
  }

  @Test
  void aSingleRunsLogMergesIntoItsOwnReport() throws Exception {
    Histogram all = LatencySummary.newNanosHistogram();
    Path only = shard(0, 1, total(64, 0), START, all, LatencySummary.newNanosHistogram(), new SplittableRandom(21));
    assertThat(ShardMerge.of(List.of(only)).latencyNanos()).isEqualTo(all);
  }

  @Test
  void theRunWasStoppedIfAnyShardWas() throws Exception {
    SplittableRandom random = new SplittableRandom(22);
    Path zero = shard(0, 2, total(64, 0), START, random);
    Path one = shard(1, 2, total(64, 0), START, random);
    assertThat(ShardMerge.of(List.of(zero, one)).report().stopped()).isFalse();
    Files.writeString(one, Files.readString(one, UTF_8).replace("#tsecho-result stopped=false",
        "#tsecho-result stopped=true"), UTF_8);
    assertThat(ShardMerge.of(List.of(zero, one)).report().stopped()).isTrue();
  }

  @Test
  void aRunOfOneShardNeedsNoStartAt() throws Exception {
    Histogram all = LatencySummary.newNanosHistogram();
    Path only = shard(0, 1, total(64, 0), START, all, LatencySummary.newNanosHistogram(), new SplittableRandom(23));
    Files.writeString(only, Files.readString(only, UTF_8).replace("start-at=" + START, "start-at=none"), UTF_8);
    assertThat(ShardMerge.of(List.of(only)).latencyNanos()).isEqualTo(all);
  }

  @Test
  void refusesASetWithoutItsLastShard() throws Exception {
    SplittableRandom random = new SplittableRandom(24);
    Path zero = shard(0, 3, total(64, 0), START, random);
    Path one = shard(1, 3, total(64, 0), START, random);
    assertThatThrownBy(() -> ShardMerge.of(List.of(one, zero))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bench merge: the run had 3 shard(s); the log of shard(s) [2] is missing");
  }

  @Test
  void aSettingThatOnlyTheSecondLogHasIsAMismatchToo() throws Exception {
    SplittableRandom random = new SplittableRandom(25);
    Path zero = shard(0, 2, total(64, 0), START, random);
    Path one = shard(1, 2, total(64, 0), START, random);
    Files.writeString(one, Files.readString(one, UTF_8).replace("#tsecho-bench shard=1\n",
        "#tsecho-bench shard=1\n#tsecho-bench tls=on\n"), UTF_8);
    assertThatThrownBy(() -> ShardMerge.of(List.of(zero, one))).hasMessage("bench merge: " + one
        + " was written with tls=on, " + zero + " with tls=: only shards of one run can be merged");
  }

  @Test
  void refusesASettingWithoutAKey() throws Exception {
    Path only = shard(0, 1, total(64, 0), START, LatencySummary.newNanosHistogram(),
        LatencySummary.newNanosHistogram(), new SplittableRandom(26));
    Files.writeString(only, Files.readString(only, UTF_8).replace("#tsecho-bench size=64\n",
        "#tsecho-bench size=64\n#tsecho-bench =64\n"), UTF_8);
    assertThatThrownBy(() -> ShardMerge.of(List.of(only))).hasMessage("bench merge: " + only
        + ": '=64' is not KEY=VALUE");
  }
}
