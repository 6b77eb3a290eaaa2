package io.tsecho.internal.client.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The run's timeline holds for any origin of {@code System.nanoTime()}, negative and wrapping ones included. */
class BenchRunTest {
  private static BenchOptions options(long requests, Duration warmup) {
    return new BenchOptions("127.0.0.1", 1, 2, 1, 64, Duration.ofSeconds(1), requests, warmup, false, 0, 1,
        Duration.ofSeconds(5), Duration.ofSeconds(5), Service.STAMP, Transport.NIO);
  }

  @Test
  void aRunOfNRequestsStartsThemWhenTheClockIsNegative() {
    BenchRun run = new BenchRun(options(100, Duration.ZERO), () -> 0);
    long now = -5_000_000_000L;
    run.begin(now, 2);
    assertThat(run.mayStart(now)).isTrue();
    assertThat(run.mayStart(now + 3_600_000_000_000L)).as("an hour later: only the count ends it").isTrue();
    assertThat(run.measured(now)).isTrue();
  }

  @Test
  void theWarmUpAndTheEndHoldWhereTheClockWrapsAround() {
    BenchRun run = new BenchRun(options(0, Duration.ofMillis(500)), () -> 0);
    long now = Long.MAX_VALUE - 700_000_000L; // the measured second ends past the wrap
    run.begin(now, 2);
    assertThat(run.measured(now + 499_999_999L)).isFalse();
    assertThat(run.measured(now + 500_000_000L)).isTrue();
    assertThat(run.mayStart(now + 1_499_999_999L)).isTrue();
    assertThat(run.mayStart(now + 1_500_000_000L)).isFalse();
  }

  @Test
  void stoppingEndsEveryStart() {
    BenchRun run = new BenchRun(options(100, Duration.ZERO), () -> 0);
    run.begin(-1, 1);
    run.stop();
    assertThat(run.mayStart(0)).isFalse();
  }
}
