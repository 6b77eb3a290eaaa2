package io.tsecho.internal.client.bench;

import io.tsecho.internal.metrics.LatencySummary;
import org.HdrHistogram.Histogram;

/**
 * The histograms and counters of the connections on one event loop. Only that loop writes them,
 * as plain fields, so recording a reply costs no shared write; the run's main thread reads them
 * through {@link #snapshot()}, which it runs as a task on the loop once a report interval.
 */
final class LoopStats {
  /** Latencies of measured requests since the last snapshot, in nanoseconds. */
  final Histogram latency = LatencySummary.newNanosHistogram();
  /** Latencies of warm-up requests since the last snapshot, for the live line only. */
  final Histogram warmupLatency = LatencySummary.newNanosHistogram();
  /** Actual minus intended send time of measured requests at a fixed rate, since the last snapshot. */
  final Histogram sendLag = LatencySummary.newNanosHistogram();
  long ok;
  long wrong;
  long missing;
  long extra;
  long late;
  long bytesSent;
  long bytesReceived;
  long connectionsLost;
  /** When the last connection on this loop finished, valid if {@link #anyFinished}. */
  long lastFinishNanos;
  boolean anyFinished;
  /** Whoami: which server instance answered. */
  final Instances instances = new Instances();

  void finished(long nowNanos) {
    if (!anyFinished || nowNanos - lastFinishNanos > 0) {
      lastFinishNanos = nowNanos;
    }
    anyFinished = true;
  }

  /** The interval's histograms (this loop's are reset) and the counts so far. Event loop only. */
  Snapshot snapshot() {
    Snapshot s = new Snapshot(latency.copy(), warmupLatency.copy(), sendLag.copy(),
        new Counts(ok, wrong, missing, extra, late, bytesSent, bytesReceived, connectionsLost),
        anyFinished, lastFinishNanos, instances.snapshot());
    latency.reset();
    warmupLatency.reset();
    sendLag.reset();
    return s;
  }

  /** What one loop recorded in an interval, and its counts since the start. */
  record Snapshot(Histogram latency, Histogram warmupLatency, Histogram sendLag, Counts counts,
      boolean anyFinished, long lastFinishNanos, java.util.Map<String, long[]> instances) {}

  /** Counts since the start of the run. */
  record Counts(long ok, long wrong, long missing, long extra, long late, long bytesSent, long bytesReceived,
      long connectionsLost) {
    static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0, 0, 0);

    Counts plus(Counts o) {
      return new Counts(ok + o.ok, wrong + o.wrong, missing + o.missing, extra + o.extra, late + o.late,
          bytesSent + o.bytesSent, bytesReceived + o.bytesReceived, connectionsLost + o.connectionsLost);
    }

    long errors() {
      return wrong + missing + extra + late;
    }
  }
}
