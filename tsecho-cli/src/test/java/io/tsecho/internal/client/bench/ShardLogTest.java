package io.tsecho.internal.client.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tsecho.internal.client.bench.LoadGenerator.Interval;
import io.tsecho.internal.metrics.LatencySummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text of a shard's log, line by line, as HdrHistogram's tools and {@link ShardMerge} read it. */
class ShardLogTest {
  private static final long START = Instant.parse("2026-11-25T20:00:00Z").toEpochMilli();

  @TempDir Path dir;

  private static Histogram histogram(long nanos) {
    Histogram h = LatencySummary.newNanosHistogram();
    h.recordValue(nanos);
    h.setStartTimeStamp(START + 1_000);
    h.setEndTimeStamp(START + 2_000);
    return h;
  }

  private static Interval interval(boolean measuring) {
    return new Interval(2, measuring, histogram(700), LatencySummary.newNanosHistogram(), histogram(300), 0);
  }

  private static BenchReport report(Map<String, long[]> instances) {
    Histogram h = histogram(700);
    return new BenchReport("10.0.0.1:21566", "tcp", "epoll", "whoami", 10, 2, 64, 2000, Duration.ofMillis(1_500), 1, 2,
        3, 4, 5, 6, 7, 8, 9, LatencySummary.of(h), LatencySummary.of(h), true, instances);
  }

  private Path write(boolean fixedRate, Map<String, long[]> instances) throws IOException {
    Path file = dir.resolve("shard.hlog");
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("target", "10.0.0.1:21566");
    settings.put("rate", "2000");
    try (ShardLog log = ShardLog.create(file, settings, START)) {
      log.interval(interval(false), fixedRate);
      log.interval(interval(true), fixedRate);
      log.finish(report(instances));
    }
    return file;
  }

  @Test
  void theHeaderCarriesTheSettingsAndTheIntervalsCountFromTheStart() throws Exception {
    List<String> lines = Files.readAllLines(write(false, Map.of()), UTF_8);
    assertThat(lines.subList(0, 4)).containsExactly(
        "#tsecho bench latency histograms, values in nanoseconds",
        "#tsecho-bench target=10.0.0.1:21566",
        "#tsecho-bench rate=2000",
        "#[Histogram log format version 1.3]");
    assertThat(lines.get(4)).startsWith("#[StartTime: 1795636800.000 (seconds since epoch), ");
    assertThat(lines.get(5))
        .isEqualTo("\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"");
    assertThat(lines.get(6)).as("the warm-up interval is not logged; this one began 1 s after the start")
        .startsWith("1.000,1.000,0.001,HISTF");
    assertThat(lines.get(7)).as("a closed loop logs no send lag").startsWith("#tsecho-result ");
  }

  @Test
  void atAFixedRateTheSendLagFollowsEachIntervalTaggedAndTimedLikeIt() throws Exception {
    List<String> lines = Files.readAllLines(write(true, Map.of()), UTF_8);
    assertThat(lines.get(6)).startsWith("1.000,1.000,0.001,HISTF");
    assertThat(lines.get(7)).startsWith("Tag=send-lag,1.000,1.000,0.000,HISTF");
    assertThat(lines.get(8)).startsWith("#tsecho-result ");
  }

  @Test
  void theCountsCloseTheLogWithInstanceNamesKeptOnTheirLine() throws Exception {
    Map<String, long[]> instances = new LinkedHashMap<>();
    instances.put("pod a", new long[] {10, 2});
    instances.put("pod\nb", new long[] {20, 3});
    List<String> lines = Files.readAllLines(write(false, instances), UTF_8);
    assertThat(lines.subList(7, lines.size())).containsExactly(
        "#tsecho-result target-address=10.0.0.1:21566",
        "#tsecho-result transport=epoll",
        "#tsecho-result measured-ns=1500000000",
        "#tsecho-result requests=1",
        "#tsecho-result bytes-sent=2",
        "#tsecho-result bytes-received=3",
        "#tsecho-result wrong=4",
        "#tsecho-result missing=5",
        "#tsecho-result extra=6",
        "#tsecho-result late=7",
        "#tsecho-result connections-failed=8",
        "#tsecho-result connections-lost=9",
        "#tsecho-result stopped=true",
        "#tsecho-instance 20 3 pod b", // in the order of the names: "pod\nb" before "pod a"
        "#tsecho-instance 10 2 pod a");
  }

  @Test
  void closingTheLogReleasesItsFile() throws Exception {
    Path fds = Paths.get("/proc/self/fd");
    assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd to list open files");
    Path file = write(false, Map.of()).toRealPath();
    assertThat(openFiles(fds)).doesNotContain(file);
  }

  /** What this process has open; a descriptor that closes while it is listed is left out. */
  private static List<Path> openFiles(Path fds) throws IOException {
    try (Stream<Path> all = Files.list(fds)) {
      return all.map(fd -> {
        try {
          return Files.readSymbolicLink(fd);
        } catch (IOException e) {
          return fd;
        }
      }).toList();
    }
  }
}
