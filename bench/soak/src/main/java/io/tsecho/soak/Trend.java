package io.tsecho.soak;

/**
 * Whether one measure of the server keeps growing once it should have settled. It is judged
 * growing when both hold: the least-squares slope over the samples from the settling time on is
 * above {@code slopeLimit} per minute, and each of the last three samples is more than
 * {@code margin} above the highest sample of the settling time. The slope alone would flag a
 * measure that wanders within its usual range over a short run; the last samples alone, one high
 * sample at the end.
 *
 * @param lastLow the lowest of the last three samples
 */
record Trend(String measure, double first, double settledMax, double last, double lastLow, Fit fit, double slopeLimit,
    double margin) {
  /** With fewer samples after settling than this, a slope says nothing. */
  static final int MIN_POINTS = 3;

  /** A least-squares line through the samples taken at or after {@code fromSeconds}; slope per second. */
  record Fit(int points, double slope, double intercept, double fromSeconds, double toSeconds) {
    static Fit of(double[] seconds, double[] values, double fromSeconds) {
      int n = 0;
      double sumX = 0;
      double sumY = 0;
      double sumXx = 0;
      double sumXy = 0;
      double to = fromSeconds;
      for (int i = 0; i < seconds.length; i++) {
        if (!Double.isNaN(values[i]) && seconds[i] >= fromSeconds) {
          n++;
          sumX += seconds[i];
          sumY += values[i];
          sumXx += seconds[i] * seconds[i];
          sumXy += seconds[i] * values[i];
          to = seconds[i];
        }
      }
      double denominator = n * sumXx - sumX * sumX;
      if (n < 2 || denominator <= 0) {
        return new Fit(n, Double.NaN, Double.NaN, fromSeconds, to);
      }
      double slope = (n * sumXy - sumX * sumY) / denominator;
      return new Fit(n, slope, (sumY - slope * sumX) / n, fromSeconds, to);
    }

    double at(double seconds) {
      return intercept + slope * seconds;
    }
  }

  boolean judgeable() {
    return fit.points() >= MIN_POINTS;
  }

  double slopePerMinute() {
    return fit.slope() * 60;
  }

  boolean growing() {
    return judgeable() && slopePerMinute() > slopeLimit && lastLow > settledMax + margin;
  }

  /** Judges {@code values} (NaN where not measured), taken at {@code seconds} into the run. */
  static Trend of(String measure, double[] seconds, double[] values, double settleSeconds, double slopeLimit,
      double margin) {
    double first = Double.NaN;
    double settledMax = Double.NaN;
    double[] lastThree = {Double.NaN, Double.NaN, Double.NaN};
    int seen = 0;
    for (int i = 0; i < seconds.length; i++) {
      double v = values[i];
      if (Double.isNaN(v)) {
        continue;
      }
      first = Double.isNaN(first) ? v : first;
      lastThree[seen++ % lastThree.length] = v;
      if (seconds[i] <= settleSeconds) {
        settledMax = Double.isNaN(settledMax) ? v : Math.max(settledMax, v);
      }
    }
    double last = seen == 0 ? Double.NaN : lastThree[(seen - 1) % lastThree.length];
    double lastLow = seen < lastThree.length ? Double.NaN : Math.min(lastThree[0], Math.min(lastThree[1], lastThree[2]));
    return new Trend(measure, first, settledMax, last, lastLow, Fit.of(seconds, values, settleSeconds), slopeLimit,
        margin);
  }
}
