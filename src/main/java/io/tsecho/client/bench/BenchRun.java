package io.tsecho.client.bench;

import io.tsecho.config.Service;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * What every connection of one load run shares: the phase, the request budget, the schedule, and
 * the counters. Connections on different event loops write to it; the run's main thread reads it.
 */
final class BenchRun {
  enum Phase { WARMUP, MEASURE, DRAIN }

  final BenchOptions options;
  final Recorder latency = new Recorder(1, 3_600_000_000_000L, 3);
  final LongAdder ok = new LongAdder();
  final LongAdder wrong = new LongAdder();
  final LongAdder missing = new LongAdder();
  final LongAdder extra = new LongAdder();
  final LongAdder late = new LongAdder();
  final LongAdder requestsSent = new LongAdder();
  /** Bytes of the requests that started after the warm-up. */
  final LongAdder bytesSent = new LongAdder();
  private final LongAdder bytesReceived = new LongAdder();
  final LongAdder connectionsLost = new LongAdder();
  final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong budget;
  /** Whether the run is {@code -n} requests rather than a duration. */
  private final boolean limited;
  // Set by begin(), once every connection is up and before any request; the event loops see them
  // through the task queue that starts their sending.
  RateSchedule schedule;
  long startNanos;
  long measureStartNanos;
  /** No request of a timed run starts at or after this; Long.MAX_VALUE for a run of N requests. */
  long measureEndNanos;
  volatile Phase phase = Phase.WARMUP;

  BenchRun(BenchOptions options) {
    this.options = options;
    this.limited = options.totalRequests() > 0;
    this.budget = new AtomicLong(limited ? options.totalRequests() : Long.MAX_VALUE);
  }

  /** Starts the clock: connecting is not part of the run. */
  void begin(long nowNanos) {
    startNanos = nowNanos;
    measureStartNanos = nowNanos + options.warmup().toNanos();
    measureEndNanos = options.totalRequests() > 0 ? Long.MAX_VALUE : measureStartNanos + options.duration().toNanos();
    schedule = options.rate() > 0 ? new RateSchedule(nowNanos, options.rate(), options.connections()) : null;
    if (options.warmup().isZero()) {
      phase = Phase.MEASURE;
    }
  }

  /** Bytes of replies, counted once the warm-up is over, like the requests they answer. */
  void received(int bytes) {
    if (phase == Phase.MEASURE) {
      bytesReceived.add(bytes);
    }
  }

  boolean stamped() {
    return options.service() == Service.STAMP;
  }

  /** Takes one request from the budget of an {@code -n} run; warm-up requests are not counted. */
  boolean takeRequest(long startNanos) {
    if (phase == Phase.DRAIN || startNanos - measureEndNanos >= 0) {
      return false;
    }
    if (startNanos - measureStartNanos < 0) {
      return true;
    }
    if (!limited) {
      return true; // a timed run: no shared budget to take from
    }
    return budget.get() > 0 && budget.decrementAndGet() >= 0;
  }

  boolean budgetSpent() {
    return budget.get() <= 0;
  }

  /**
   * A reply matched its request: records its latency if the request started after the warm-up, and
   * says whether it did, for the caller's count of good replies.
   */
  boolean answered(long requestStartNanos, long nowNanos) {
    if (requestStartNanos - measureStartNanos < 0) {
      return false;
    }
    latency.recordValue(Math.max(1, nowNanos - requestStartNanos));
    return true;
  }

  long bytesReceived() {
    return bytesReceived.sum();
  }

  long errors() {
    return wrong.sum() + missing.sum() + extra.sum() + late.sum();
  }
}
