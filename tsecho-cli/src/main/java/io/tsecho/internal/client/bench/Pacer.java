package io.tsecho.internal.client.bench;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Releases the requests of one event loop's connections at their scheduled times, for a run at a
 * fixed rate. Slot {@code s} of this loop is meant to leave at {@code first + s * period} and
 * belongs to connection {@code s mod m}, so the loop's connections take turns at an even pace
 * rather than sending together. One timer at the schedule's own period wakes the loop (epoll and
 * io_uring time it to the microsecond); each wake releases every slot that is due, so a late wake
 * sends late, and says so in the send lag, but never skips a request or moves the schedule.
 *
 * <p>Latency is measured from these intended times, so a server that stalls is charged for every
 * request it held up (coordinated omission, as wrk2 corrects it), not just the one in flight.
 */
final class Pacer implements Runnable {
  private final BenchRun run;
  private final LoadConnection[] connections;
  private final long firstNanos;
  private final long periodNanos;
  private long nextSlot;
  private int finished;
  private boolean over;
  private ScheduledFuture<?> timer;

  /**
   * @param firstNanos when slot 0 is meant to leave
   * @param periodNanos time between this loop's slots
   */
  Pacer(BenchRun run, List<LoadConnection> connections, long firstNanos, long periodNanos) {
    this.run = run;
    this.connections = connections.toArray(new LoadConnection[0]);
    this.firstNanos = firstNanos;
    this.periodNanos = periodNanos;
  }

  /**
   * The schedule of a whole run: {@code rate} requests per second over {@code connections}, of which
   * {@code mine} are on loop {@code loop} of {@code loops}. Each loop's slots are evenly spaced at
   * its share of the rate; loop {@code l} starts {@code l / rate} after the run, so that with
   * connections spread evenly over the loops their slots interleave into one even stream.
   */
  static Pacer of(BenchRun run, List<LoadConnection> mine, int loop, int connections, double rate) {
    long period = Math.max(1, Math.round(1e9 * connections / (rate * mine.size())));
    long offset = Math.round(loop * 1e9 / rate) % period;
    return new Pacer(run, mine, run.startNanos + offset, period);
  }

  /** When request {@code n} (from 0) of the loop's {@code index}-th connection is meant to leave. */
  long intendedNanos(int index, long n) {
    return firstNanos + (n * connections.length + index) * periodNanos;
  }

  /** Starts the timer. Event loop only. */
  void start(EventLoop loop) {
    long delay = Math.max(0, firstNanos - run.nanoTime());
    timer = loop.scheduleAtFixedRate(this, delay, periodNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void run() {
    pump(run.nanoTime());
  }

  /** Releases every slot due by {@code nowNanos}; ends the schedule at the first slot that may not start. */
  void pump(long nowNanos) {
    while (!over) {
      long intended = firstNanos + nextSlot * periodNanos;
      if (intended - nowNanos > 0) {
        return;
      }
      if (!run.mayStart(intended)) {
        end();
        return;
      }
      LoadConnection c = connections[(int) (nextSlot % connections.length)];
      nextSlot++;
      c.release();
    }
  }

  /** No slot is released any more; connections send what was already due. Event loop only. */
  void end() {
    if (over) {
      return;
    }
    over = true;
    if (timer != null) {
      timer.cancel(false);
    }
    for (LoadConnection c : connections) {
      c.scheduleEnded();
    }
  }

  boolean over() {
    return over;
  }

  /** One of the loop's connections will send no more; once all have, the timer stops. */
  void connectionFinished() {
    if (++finished == connections.length) {
      end();
    }
  }
}
