package io.tsecho.internal.client.bench;

import io.netty.channel.EventLoop;
import io.tsecho.config.Service;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The timeline of one load run, which every connection reads: its clock, when the warm-up ends,
 * when requests stop starting. Counters are not kept here but per event loop ({@link LoopStats}),
 * so no reply touches memory that another thread writes.
 *
 * <p>Times are {@code System.nanoTime()} readings, compared only by subtraction: the contract allows
 * any origin, negative ones included, so no time is ever a sentinel.
 */
final class BenchRun {
  /** The phases of {@link #phaseOf}. */
  static final int WARMUP = 0;
  static final int MEASURED = 1;

  final BenchOptions options;
  /** {@code --reply-timeout}, read by every connection's expiry tick. */
  final long replyTimeoutNanos;
  private final LongSupplier clock;
  private final Map<EventLoop, LoopStats> stats = new ConcurrentHashMap<>();
  private final AtomicInteger unfinished = new AtomicInteger();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean stopped;
  /** The run's main thread while it waits in {@link #awaitFinishedOrStopped}, woken by either. */
  private volatile Thread waiter;
  /** Connections over TLS 1.3 that failed before their first reply, and the first such failure. */
  private final AtomicInteger tlsRefusals = new AtomicInteger();
  private volatile Throwable tlsRefusal;
  private long stoppedAtNanos; // written before the volatile stopped, read after it
  // Set by begin(), once every connection is up and before any request; the event loops see them
  // through the task queue that starts their sending.
  long startNanos;
  long measureStartNanos;
  /** No request of a timed run starts at or after this; unused in a run of N requests. */
  long measureEndNanos;

  BenchRun(BenchOptions options, LongSupplier clock) {
    this.options = options;
    this.replyTimeoutNanos = options.replyTimeout().toNanos();
    this.clock = clock;
  }

  long nanoTime() {
    return clock.getAsLong();
  }

  /** Starts the clock for {@code connections} connections: connecting is not part of the run. */
  void begin(long nowNanos, int connections) {
    startNanos = nowNanos;
    measureStartNanos = nowNanos + options.warmup().toNanos();
    measureEndNanos = measureStartNanos + options.duration().toNanos();
    unfinished.set(connections);
  }

  /** Whether the run is {@code -n} requests rather than a duration. */
  boolean limited() {
    return options.totalRequests() > 0;
  }

  /** Replies open with a stamp: stamp and whoami. */
  boolean stamped() {
    return options.service().isStamped();
  }

  /** Replies name the instance that answered, and the message follows {@code msg=}. */
  boolean whoami() {
    return options.service() == Service.WHOAMI;
  }

  /** Whether a request meant to start at this time is measured: the warm-up is over by then. */
  boolean measured(long intendedNanos) {
    return phaseOf(intendedNanos) == MEASURED;
  }

  /**
   * {@link #MEASURED} for a request meant to start at this time once the warm-up is over, {@link #WARMUP}
   * before: the sign of the difference, so the reply path has no branch on it (see {@link LoopStats#phase}).
   */
  int phaseOf(long intendedNanos) {
    return (int) ((intendedNanos - measureStartNanos) >>> 63) ^ 1;
  }

  /**
   * Whether a request meant to start at this time may start: the run is not stopped and, for a timed
   * run, the time is not up. An {@code -n} run is bounded by each connection's share instead.
   */
  boolean mayStart(long intendedNanos) {
    return !stopped && (limited() || intendedNanos - measureEndNanos < 0);
  }

  /** No request starts from now on (Ctrl-C). Any thread; the first call counts. */
  synchronized void stop() {
    if (!stopped) {
      stoppedAtNanos = nanoTime();
      stopped = true;
      wakeWaiter();
    }
  }

  boolean stopped() {
    return stopped;
  }

  /** When {@link #stop()} was first called; valid once {@link #stopped()}. */
  long stoppedAtNanos() {
    return stoppedAtNanos;
  }

  /** The counters of the connections on this loop, made on first use. */
  LoopStats statsOf(EventLoop loop) {
    return stats.computeIfAbsent(loop, l -> new LoopStats());
  }

  Map<EventLoop, LoopStats> stats() {
    return stats;
  }

  /** A connection will send and receive no more: the run ends when every one has said so. */
  void connectionFinished() {
    if (unfinished.decrementAndGet() == 0) {
      finished.countDown();
      wakeWaiter();
    }
  }

  /** Waits until every connection has finished; false if the time ran out first. */
  boolean awaitFinished(long nanos) throws InterruptedException {
    return finished.await(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Waits until every connection has finished, the run is stopped or the time runs out; true if
   * every connection has finished. The main thread sleeps until it has something to do rather than
   * polling: each of its wake-ups could hold up the event loop it shares a core with.
   */
  boolean awaitFinishedOrStopped(long nanos) throws InterruptedException {
    waiter = Thread.currentThread(); // written before stopped is read, as stop() writes stopped before reading it
    try {
      if (!stopped && finished.getCount() > 0) {
        LockSupport.parkNanos(this, nanos);
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    } finally {
      waiter = null;
    }
    return finished.getCount() == 0;
  }

  private void wakeWaiter() {
    Thread t = waiter;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /**
   * A TLS 1.3 connection failed before its first reply: the server refused its certificate (or its
   * absence) after the client's side of the handshake was done. Rare, so a shared count will do.
   */
  void tlsRefused(Throwable cause) {
    if (tlsRefusals.getAndIncrement() == 0) {
      tlsRefusal = cause;
    }
  }

  int tlsRefusals() {
    return tlsRefusals.get();
  }

  Throwable tlsRefusal() {
    return tlsRefusal;
  }
}
