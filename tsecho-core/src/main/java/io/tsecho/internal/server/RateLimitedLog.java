package io.tsecho.internal.server;

import io.tsecho.internal.net.Addresses;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Counts an event that may happen thousands of times a second and logs it at most once per
 * interval, with the number of times it happened since the last line. Thread-safe.
 */
public final class RateLimitedLog {
  private final Logger log;
  private final String what;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final AtomicLong unreported = new AtomicLong();
  private final AtomicLong nextLogAt;

  /**
   * @param what completes the sentence "N {what} in the last S s", e.g. "connections refused over the limit"
   */
  public RateLimitedLog(Logger log, String what, long interval, TimeUnit unit, LongSupplier nanoClock) {
    this.log = log;
    this.what = what;
    this.intervalNanos = unit.toNanos(interval);
    this.nanoClock = nanoClock;
    this.nextLogAt = new AtomicLong(nanoClock.getAsLong());
  }

  /**
   * Records one event; logs the count if the interval has passed since the last line. The detail is
   * turned into text only then, so recording allocates nothing: a peer's address is shown as
   * {@code from 127.0.0.1:5000}, anything else as its {@code toString()}.
   */
  public void record(Object detail) {
    unreported.incrementAndGet();
    long now = nanoClock.getAsLong();
    long due = nextLogAt.get();
    if (now - due >= 0 && nextLogAt.compareAndSet(due, now + intervalNanos)) {
      long n = unreported.getAndSet(0);
      log.warn("{} {} in the last {} s (latest: {})", n, what, TimeUnit.NANOSECONDS.toSeconds(intervalNanos),
          detail instanceof SocketAddress ? "from " + Addresses.format((SocketAddress) detail) : detail);
    }
  }

  /** Events recorded but not yet logged. */
  public long unreported() {
    return unreported.get();
  }
}
