package io.tsecho.internal.client.bench;

import io.tsecho.internal.metrics.LatencySummary;
import org.HdrHistogram.Histogram;

/**
 * The histograms and counters of the connections on one event loop. Only that loop writes them,
 * as plain fields, so recording a reply costs no shared write; the run's main thread reads them
 * through {@link #snapshot}, which it runs as a task on the loop once a report interval.
 */
final class LoopStats {
  /** Requests meant to start during the warm-up: only their latency is shown, on the live line. */
  final Phase warmup = new Phase();
  /** Requests meant to start once the warm-up is over: what the report counts. */
  final Phase measured = new Phase();
  /**
   * Both phases, indexed by {@link BenchRun#phaseOf}, so that a reply picks its phase without a branch.
   * A branch that first goes the other way when the warm-up ends makes the JIT recompile the reply
   * path then, and the first measured seconds paid for it.
   */
  private final Phase[] phases = {warmup, measured};
  long wrong;
  long missing;
  long extra;
  long late;
  long connectionsLost;
  /** When the last connection on this loop finished, valid if {@link #anyFinished}. */
  long lastFinishNanos;
  boolean anyFinished;
  /** Whoami: which server instance answered. */
  final Instances instances = new Instances();

  /** The phase of {@link BenchRun#phaseOf}: 0 for the warm-up, 1 once measured. */
  Phase phase(int index) {
    return phases[index];
  }

  void finished(long nowNanos) {
    if (!anyFinished || nowNanos - lastFinishNanos > 0) {
      lastFinishNanos = nowNanos;
    }
    anyFinished = true;
  }

  /**
   * Hands over the interval's histograms, goes on recording into {@code empty} ones, and gives the
   * counts so far. Event loop only. A swap: copying and clearing four 264 KiB histograms here held
   * the loop for 3 ms each second, and every reply due then waited.
   */
  Snapshot snapshot(Histograms empty) {
    Histograms interval = new Histograms(measured.latency, warmup.latency, measured.sendLag, warmup.sendLag);
    measured.latency = empty.latency();
    warmup.latency = empty.warmupLatency();
    measured.sendLag = empty.sendLag();
    warmup.sendLag = empty.warmupSendLag();
    return new Snapshot(interval,
        new Counts(measured.ok, wrong, missing, extra, late, measured.bytesSent, measured.bytesReceived,
            connectionsLost),
        anyFinished, lastFinishNanos, instances.snapshot());
  }

  /** What the requests of one phase recorded: histograms since the last snapshot, counts since the start. */
  static final class Phase {
    /** Latencies since the last snapshot, in nanoseconds. */
    Histogram latency = LatencySummary.newNanosHistogram();
    /** Actual minus intended send time at a fixed rate, since the last snapshot. */
    Histogram sendLag = LatencySummary.newNanosHistogram();
    long ok;
    long bytesSent;
    long bytesReceived;
  }

  /** The histograms of one interval: a loop records into one set while the main thread reads the last. */
  record Histograms(Histogram latency, Histogram warmupLatency, Histogram sendLag, Histogram warmupSendLag) {
    static Histograms empty() {
      return new Histograms(LatencySummary.newNanosHistogram(), LatencySummary.newNanosHistogram(),
          LatencySummary.newNanosHistogram(), LatencySummary.newNanosHistogram());
    }

    /** Empties them for another interval. */
    Histograms reset() {
      latency.reset();
      warmupLatency.reset();
      sendLag.reset();
      warmupSendLag.reset();
      return this;
    }
  }

  /** What one loop recorded in an interval, and its counts since the start. */
  record Snapshot(Histograms histograms, Counts counts, boolean anyFinished, long lastFinishNanos,
      java.util.Map<String, long[]> instances) {
    Histogram latency() {
      return histograms.latency();
    }

    Histogram warmupLatency() {
      return histograms.warmupLatency();
    }

    Histogram sendLag() {
      return histograms.sendLag();
    }
  }

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
