package io.tsecho.internal.client.bench;

import io.tsecho.internal.client.bench.LoadGenerator.Interval;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * A bench run's latency log in HdrHistogram's format, one histogram a second in nanoseconds, that
 * HdrHistogram's own tools read. Around the histograms it carries, as comment lines their reader
 * skips, the run's settings (header) and its counts (end), so that {@link ShardMerge} can add the
 * logs of several shards into the report of the whole run. At a fixed rate, the generator's send
 * lag follows each interval as a histogram tagged {@value #SEND_LAG_TAG}, which tools that read
 * untagged histograms leave out.
 */
public final class ShardLog implements AutoCloseable {
  static final String SETTING = "#tsecho-bench ";
  static final String RESULT = "#tsecho-result ";
  static final String INSTANCE = "#tsecho-instance ";
  static final String SEND_LAG_TAG = "send-lag";

  private final HistogramLogWriter writer;

  private ShardLog(HistogramLogWriter writer) {
    this.writer = writer;
  }

  /**
   * Opens the log and writes its header.
   *
   * @param startMillis when the run begins (its --start-at, or now), the time intervals count from
   */
  public static ShardLog create(Path file, Map<String, String> settings, long startMillis)
      throws FileNotFoundException {
    HistogramLogWriter writer = new HistogramLogWriter(file.toFile());
    writer.outputComment("tsecho bench latency histograms, values in nanoseconds");
    settings.forEach((key, value) -> writer.outputComment(SETTING.substring(1) + key + "=" + value));
    writer.outputLogFormatVersion();
    writer.outputStartTime(startMillis);
    writer.setBaseTime(startMillis);
    writer.outputLegend();
    return new ShardLog(writer);
  }

  /** Writes a measured interval; warm-up intervals are not logged. */
  public void interval(Interval interval, boolean fixedRate) {
    if (!interval.measuring()) {
      return;
    }
    writer.outputIntervalHistogram(interval.latencyNanos());
    if (fixedRate) {
      // Tagged for the log only: the histogram is the generator's.
      Histogram lag = interval.sendLagNanos();
      lag.setTag(SEND_LAG_TAG);
      try {
        writer.outputIntervalHistogram(lag);
      } finally {
        lag.setTag(null);
      }
    }
  }

  /** Writes the run's counts after its histograms, which marks the log complete. */
  public void finish(BenchReport report) {
    result("target-address", report.target());
    result("transport", report.transport());
    result("measured-ns", Long.toString(report.measured().toNanos()));
    result("requests", Long.toString(report.requests()));
    result("bytes-sent", Long.toString(report.bytesSent()));
    result("bytes-received", Long.toString(report.bytesReceived()));
    result("wrong", Long.toString(report.wrong()));
    result("missing", Long.toString(report.missing()));
    result("extra", Long.toString(report.extra()));
    result("late", Long.toString(report.late()));
    result("connections-failed", Integer.toString(report.connectionsFailed()));
    result("connections-lost", Long.toString(report.connectionsLost()));
    result("stopped", Boolean.toString(report.stopped()));
    // The name goes last: it is the rest of the line, whatever it holds.
    report.instances().forEach((name, c) -> writer.outputComment(INSTANCE.substring(1) + c[0] + " " + c[1] + " "
        + name.replace('\n', ' ')));
  }

  private void result(String key, String value) {
    writer.outputComment(RESULT.substring(1) + key + "=" + value);
  }

  @Override
  public void close() {
    writer.close();
  }
}
