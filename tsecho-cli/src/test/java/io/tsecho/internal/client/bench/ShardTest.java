package io.tsecho.internal.client.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShardTest {
  private static BenchOptions total(int connections, double rate, long requests) {
    return new BenchOptions("127.0.0.1", 21566, connections, 1, 64, Duration.ofSeconds(10), requests,
        Duration.ofSeconds(1), false, rate, 0, Duration.ofSeconds(5), Duration.ofSeconds(5), Service.STAMP,
        Transport.AUTO);
  }

  @Test
  void sharesAddUpToTheTotalsWithRemaindersToTheLowestIndices() {
    long[] connections = new long[3];
    double rate = 0;
    long requests = 0;
    for (int i = 0; i < 3; i++) {
      BenchOptions mine = new Shard(i, 3).of(total(10, 1000.5, 20_000));
      connections[i] = mine.connections();
      rate += mine.rate();
      requests += mine.totalRequests();
    }
    assertThat(connections).containsExactly(4, 3, 3);
    assertThat(new Shard(0, 3).share(1000.5)).isEqualTo(334.5);
    assertThat(new Shard(1, 3).share(1000.5)).isEqualTo(333.0);
    assertThat(rate).isEqualTo(1000.5);
    assertThat(requests).isEqualTo(20_000);
    assertThat(new Shard(1, 3).of(total(10, 0, 0)).rate()).as("a closed loop stays one").isZero();
  }

  @Test
  void parsesIndexAndCountOrTakesTheIndexFromTheIndexedJob() {
    assertThat(Shard.parse("2/3", Map.of())).isEqualTo(new Shard(2, 3));
    assertThat(Shard.parse("3", Map.of("JOB_COMPLETION_INDEX", "1"))).isEqualTo(new Shard(1, 3));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "3/3 |   | --shard: the index must be between 0 and 2 for 3 shard(s), got 3",
    "0/0 |   | --shard: the number of shards must be 1 or more, got 0",
    "a/3 |   | --shard: 'a/3' is not I/N (e.g. 0/3) or N",
    "-1/3|   | --shard: '-1/3' is not I/N (e.g. 0/3) or N",
    "3   |   | --shard 3 takes its index from JOB_COMPLETION_INDEX, which is not set; give it as --shard I/3",
    "3   | x | --shard 3: JOB_COMPLETION_INDEX is 'x', not a number",
    "3   | 3 | --shard: the index must be between 0 and 2 for 3 shard(s), got 3",
  })
  void refusesBadShardsInOneLine(String spec, String index, String message) {
    Map<String, String> env = index == null ? Map.of() : Map.of("JOB_COMPLETION_INDEX", index);
    assertThatThrownBy(() -> Shard.parse(spec, env)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void refusesMoreShardsThanConnectionsOrThanTheRateAllows() {
    assertThatThrownBy(() -> new Shard(0, 4).of(total(3, 0, 0))).hasMessage(
        "--shard: 4 shards need at least 4 connections, one each; got 3");
    assertThatThrownBy(() -> new Shard(0, 3).of(total(3, 2, 0))).hasMessage(
        "--shard: a rate of 2.0/s cannot be shared among 3 shards: each needs at least 1 request/s");
    assertThatThrownBy(() -> new Shard(0, 3).of(total(3, 0, 2))).hasMessage(
        "--shard: 2 requests cannot be shared among 3 shards: each needs at least one");
  }

  @Test
  void asManyShardsAsConnectionsRequestsOrRequestsPerSecondIsEnough() {
    BenchOptions mine = new Shard(2, 3).of(total(3, 3, 3));
    assertThat(mine.connections()).isEqualTo(1);
    assertThat(mine.rate()).isEqualTo(1);
    assertThat(mine.totalRequests()).isEqualTo(1);
  }

  @Test
  void aShardIsWrittenAsOnTheCommandLine() {
    assertThat(new Shard(2, 3)).hasToString("2/3");
    assertThat(Shard.ALONE).hasToString("0/1");
  }

  @Test
  void aRateIsWrittenExactlyAndTheSameOnEveryMachine() {
    assertThat(ShardSettings.number(1000)).isEqualTo("1000");
    assertThat(ShardSettings.number(-3)).isEqualTo("-3");
    assertThat(ShardSettings.number(1000.5)).isEqualTo("1000.5");
    assertThat(ShardSettings.number(999_999_999_999_999.0)).isEqualTo("999999999999999");
    assertThat(ShardSettings.number(1e15)).as("past what a long shows exactly here").isEqualTo("1.0E15");
    assertThat(ShardSettings.number(-1e15)).isEqualTo("-1.0E15");
  }

  @Test
  void onlyTheShardsOwnKeysMayDiffer() {
    assertThat(ShardSettings.perShard("shard")).isTrue();
    assertThat(ShardSettings.perShard("shard-rate")).isTrue();
    assertThat(ShardSettings.perShard("shards")).isFalse();
    assertThat(ShardSettings.perShard("rate")).isFalse();
  }

  @Test
  void startAtReadsAnInstantOrADelayAndRefusesThePast() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-25T19:00:00Z"), ZoneOffset.UTC);
    assertThat(StartAt.parse("2026-11-25T20:00:00Z", clock)).isEqualTo(Instant.parse("2026-11-25T20:00:00Z"));
    assertThat(StartAt.parse("+30s", clock)).isEqualTo(Instant.parse("2026-11-25T19:00:30Z"));
    assertThat(StartAt.parse("+2m", clock)).isEqualTo(Instant.parse("2026-11-25T19:02:00Z"));
    assertThat(StartAt.parse("+250ms", clock)).isEqualTo(Instant.parse("2026-11-25T19:00:00.250Z"));
    assertThatThrownBy(() -> StartAt.parse("2026-11-25T18:59:59Z", clock)).hasMessage(
        "--start-at: 2026-11-25T18:59:59Z is already past (now 2026-11-25T19:00:00Z)");
    assertThatThrownBy(() -> StartAt.parse("tomorrow", clock)).hasMessage(
        "--start-at: 'tomorrow' is neither an instant such as 2026-11-25T20:00:00Z nor a delay such as +30s");
  }
}
