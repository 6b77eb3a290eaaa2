package io.tsecho.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrendTest {
  private static final double SETTLE = 300;

  /** A sample every 10 s for {@code minutes}, of {@code base + perMinute * minutes} plus a wobble of ±{@code wobble}. */
  private static double[][] series(int minutes, double base, double perMinute, double wobble) {
    int n = minutes * 6 + 1;
    double[] t = new double[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = i * 10.0;
      v[i] = base + perMinute * t[i] / 60 + (i % 2 == 0 ? wobble : -wobble);
    }
    return new double[][] {t, v};
  }

  @Test
  void aLevelThatWobblesIsSteady() {
    double[][] s = series(60, 100, 0, 5);
    Trend t = Trend.of("rss", s[0], s[1], SETTLE, 1, 16);
    assertThat(t.growing()).isFalse();
    assertThat(t.slopePerMinute()).isBetween(-0.1, 0.1);
  }

  @Test
  void aSteadyLeakIsGrowing() {
    double[][] s = series(60, 100, 2, 1);
    Trend t = Trend.of("rss", s[0], s[1], SETTLE, 1, 16);
    assertThat(t.slopePerMinute()).isBetween(1.99, 2.01);
    assertThat(t.growing()).isTrue();
  }

  @Test
  void growthThatStopsWhileSettlingIsNotALeak() {
    double[][] s = series(60, 100, 0, 0);
    for (int i = 0; i < s[0].length; i++) {
      s[1][i] += Math.min(s[0][i], 240) / 60 * 20; // +80 in the first four minutes, then flat
    }
    assertThat(Trend.of("rss", s[0], s[1], SETTLE, 1, 16).growing()).isFalse();
  }

  @Test
  void aSlopeUnderTheLimitIsSteadyEvenWhenItAddsUpPastTheMargin() {
    double[][] s = series(60, 100, 0.5, 0);
    assertThat(Trend.of("rss", s[0], s[1], SETTLE, 1, 16).growing()).isFalse();
  }

  @Test
  void oneHighSampleAtTheEndIsNotGrowth() {
    double[][] s = series(12, 100, 0, 0);
    s[1][s[1].length - 1] = 200;
    Trend t = Trend.of("fds", s[0], s[1], 240, 0.5, 10);
    assertThat(t.slopePerMinute()).isGreaterThan(0.5);
    assertThat(t.growing()).isFalse();
  }

  @Test
  void samplesThatWereNotMeasuredAreLeftOut() {
    double[][] s = series(60, 100, 2, 0);
    s[1][100] = Double.NaN;
    Trend t = Trend.of("direct", s[0], s[1], SETTLE, 0.5, 8);
    assertThat(t.fit().points()).isEqualTo(s[0].length - 30 - 1);
    assertThat(t.growing()).isTrue();
  }

  @Test
  void tooFewSamplesAfterSettlingCannotBeJudged() {
    double[][] s = series(5, 100, 10, 0);
    Trend t = Trend.of("rss", s[0], s[1], 290, 1, 16);
    assertThat(t.judgeable()).isFalse();
    assertThat(t.growing()).isFalse();
  }
}
