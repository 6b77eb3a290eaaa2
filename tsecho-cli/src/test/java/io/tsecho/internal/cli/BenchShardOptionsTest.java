package io.tsecho.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import io.tsecho.internal.client.bench.BenchOptions;
import io.tsecho.internal.client.bench.BenchReport;
import io.tsecho.internal.client.bench.LoadGenerator.Interval;
import io.tsecho.internal.client.bench.Shard;
import io.tsecho.internal.client.bench.ShardLog;
import io.tsecho.internal.client.bench.ShardSettings;
import io.tsecho.internal.metrics.LatencySummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code bench --shard/--start-at} and {@code bench merge} on the command line: exit codes and text. */
class BenchShardOptionsTest {
  private static final Instant START = Instant.parse("2026-11-25T20:00:00Z");
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;

  private int run(String... args) {
    return TsechoCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "--shard 3/3                 | --shard: the index must be between 0 and 2 for 3 shard(s), got 3",
    "--shard 0/0                 | --shard: the number of shards must be 1 or more, got 0",
    "--shard 0/11                | --shard: 11 shards need at least 11 connections, one each; got 10",
    "--start-at 2000-01-01T00:00:00Z | --start-at: 2000-01-01T00:00:00Z is already past",
    "--start-at soon             | --start-at: 'soon' is neither an instant such as 2026-11-25T20:00:00Z nor a"
        + " delay such as +30s",
  })
  void badShardOrStartIsOneLineAndExitTwoBeforeAnyConnection(String options, String message) {
    String[] args = ("bench 127.0.0.1 1 " + options).split(" ");
    assertThat(run(args)).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).startsWith("tsecho: " + message).hasLineCount(1);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void benchWithoutAHostIsAUsageError() {
    assertThat(run("bench")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).isEqualTo("tsecho: Missing required parameter: 'HOST'\n"
        + "Try 'tsecho bench --help' for more information.\n");
  }

  private Path log(int index, int count, int size) throws Exception {
    BenchOptions total = new BenchOptions("127.0.0.1", 21566, 4, 1, size, Duration.ofSeconds(1), 0, Duration.ZERO,
        false, 0, 0, Duration.ofSeconds(5), Duration.ofSeconds(5), Service.STAMP, Transport.AUTO);
    Path file = dir.resolve("shard-" + index + "-" + size + ".hlog");
    Histogram h = LatencySummary.newNanosHistogram();
    h.recordValueWithCount(100_000L * (index + 1), 1000);
    try (ShardLog log = ShardLog.create(file, ShardSettings.of(total, new Shard(index, count), START),
        START.toEpochMilli())) {
      log.interval(new Interval(1, true, h, LatencySummary.newNanosHistogram(), LatencySummary.newNanosHistogram(),
          0), false);
      log.finish(new BenchReport("127.0.0.1:21566", "tcp", "epoll", "stamp", 2, 1, size, 0, Duration.ofSeconds(1), 1000,
          1000L * size, 1000L * (size + 27), 0, 0, 0, 0, 0, 0, LatencySummary.of(h), null, false, Map.of()));
    }
    return file;
  }

  @Test
  void mergePrintsTheReportOfTheWholeRun() throws Exception {
    assertThat(run("bench", "merge", log(0, 2, 64).toString(), log(1, 2, 64).toString())).isZero();
    assertThat(out.toString()).isEqualTo(String.join("\n",
        "tsecho bench 127.0.0.1:21566 over tcp (stamp, epoll): 4 connection(s) x 1 in flight, 64-byte requests,"
            + " closed loop",
        "2000 requests in 1.000 s: 2000 requests/s, 0.13 MB/s out, 0.18 MB/s in",
        "latency p50 100.0  p90 200.1  p99 200.1  p99.9 200.1  p99.99 200.1  max 200.1 µs",
        "errors 0: wrong 0, missing 0, extra 0, late 0; connections failed 0, lost 0", ""));
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void mergeWritesJsonAndAPlot() throws Exception {
    Path png = dir.resolve("merged.png");
    assertThat(run("bench", "merge", "--json", "--plot", png.toString(), log(0, 2, 64).toString(),
        log(1, 2, 64).toString())).isZero();
    assertThat(out.toString())
        .startsWith("{\"target\":\"127.0.0.1:21566\",\"protocol\":\"tcp\",\"transport\":\"epoll\",")
        .contains("\"requests\":2000")
        .contains("\"ok\":true");
    assertThat(Files.size(png)).isGreaterThan(1000);
  }

  @Test
  void mergeRefusesMismatchedShardsInOneLineWithExitTwo() throws Exception {
    Path a = log(0, 2, 64);
    Path b = log(1, 2, 128);
    assertThat(run("bench", "merge", a.toString(), b.toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).isEqualTo("tsecho: bench merge: " + b + " was written with size=128, " + a
        + " with size=64: only shards of one run can be merged\n");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void mergeRefusesAMissingShardInOneLineWithExitTwo() throws Exception {
    assertThat(run("bench", "merge", log(1, 2, 64).toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).isEqualTo("tsecho: bench merge: the run had 2 shard(s); the log of shard(s) [0] is"
        + " missing\n");
  }
}
