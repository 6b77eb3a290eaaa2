package io.tsecho.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {
  @Test
  void summarisesMicrosecondsFromNanoseconds() {
    Histogram h = LatencySummary.newNanosHistogram();
    for (int micros = 1; micros <= 100; micros++) {
      h.recordValue(micros * 1_000L);
    }
    LatencySummary s = LatencySummary.of(h);
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.minMicros()).isCloseTo(1.0, within(0.001));
    assertThat(s.meanMicros()).isCloseTo(50.5, within(0.05));
    assertThat(s.p50Micros()).isCloseTo(50.0, within(0.05));
    assertThat(s.p90Micros()).isCloseTo(90.0, within(0.1));
    assertThat(s.p99Micros()).isCloseTo(99.0, within(0.1));
    assertThat(s.maxMicros()).isCloseTo(100.0, within(0.1));
    assertThat(s.stddevMicros()).isCloseTo(28.866, within(0.05)); // population standard deviation of 1..100
  }

  @Test
  void anEmptyHistogramIsAllZeros() {
    LatencySummary s = LatencySummary.of(LatencySummary.newNanosHistogram());
    assertThat(s.count()).isZero();
    assertThat(s.maxMicros()).isZero();
  }

  @Test
  void jsonIsFlatAndLocaleFree() {
    assertThat(new Json().put("a", 1).put("b", 2.5).put("s", "q\"\n").put("ok", true).toString())
        .isEqualTo("{\"a\":1,\"b\":2.500,\"s\":\"q\\\"\\n\",\"ok\":true}");
  }
}
