package io.tsecho.internal.metrics;

import org.HdrHistogram.Histogram;

/**
 * The figures people read from a latency histogram, in microseconds. The histogram records
 * nanoseconds.
 */
public record LatencySummary(long count, double minMicros, double meanMicros, double p50Micros, double p90Micros,
    double p99Micros, double p999Micros, double p9999Micros, double maxMicros, double stddevMicros) {

  public static LatencySummary of(Histogram nanos) {
    if (nanos.getTotalCount() == 0) {
      return new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
    return new LatencySummary(nanos.getTotalCount(),
        micros(nanos.getMinValue()), nanos.getMean() / 1e3,
        micros(nanos.getValueAtPercentile(50)), micros(nanos.getValueAtPercentile(90)),
        micros(nanos.getValueAtPercentile(99)), micros(nanos.getValueAtPercentile(99.9)),
        micros(nanos.getValueAtPercentile(99.99)), micros(nanos.getMaxValue()), nanos.getStdDeviation() / 1e3);
  }

  /** A histogram of nanoseconds, precise to 3 significant digits, from 1 ns to an hour. */
  public static Histogram newNanosHistogram() {
    return new Histogram(1, 3_600_000_000_000L, 3);
  }

  private static double micros(long nanos) {
    return nanos / 1e3;
  }
}
