package io.tsecho.internal.client.ping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OffsetSampleTest {
  private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");

  @Test
  void offsetIsTheStampMinusTheMidpointWithHalfTheRoundTripAsBound() {
    // Sent at T0, back 200 µs later; the server's clock read 5 s + 100 µs ahead of ours at the midpoint.
    OffsetSample s = new OffsetSample(T0, T0.plusNanos(200_000), T0.plusSeconds(5).plusNanos(200_000), Duration.ofNanos(1));
    assertThat(s.roundTrip()).isEqualTo(Duration.ofNanos(200_000));
    assertThat(s.midpoint()).isEqualTo(T0.plusNanos(100_000));
    assertThat(s.offset()).isEqualTo(Duration.ofSeconds(5).plusNanos(100_000)); // 1 ns resolution: half of it rounds to 0
    assertThat(s.bound()).isEqualTo(Duration.ofNanos(100_000));
  }

  @Test
  void aCoarseStampIsTakenAtTheMiddleOfItsStepAndWidensTheBound() {
    // A ctime stamp of 12:00:03 means the server read somewhere in [12:00:03, 12:00:04).
    OffsetSample s = new OffsetSample(T0, T0.plusMillis(2), T0.plusSeconds(3), Duration.ofSeconds(1));
    assertThat(s.offset()).isEqualTo(Duration.ofMillis(3_499));
    assertThat(s.bound()).isEqualTo(Duration.ofMillis(501));
  }

  @Test
  void theBestSampleIsTheOneWithTheSmallestRoundTrip() {
    OffsetSample slow = new OffsetSample(T0, T0.plusMillis(9), T0.plusMillis(10), Duration.ofNanos(1000));
    OffsetSample fast = new OffsetSample(T0, T0.plusMillis(1), T0.plusMillis(3), Duration.ofNanos(1000));
    OffsetSample medium = new OffsetSample(T0, T0.plusMillis(4), T0.plusMillis(2), Duration.ofNanos(1000));
    assertThat(OffsetSample.best(List.of(slow, fast, medium))).isSameAs(fast);
    assertThat(OffsetSample.best(List.of())).isNull();
  }
}
