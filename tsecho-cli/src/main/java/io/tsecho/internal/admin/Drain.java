package io.tsecho.internal.admin;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * How the server leaves when asked to stop (Ctrl-C, SIGTERM): {@code /readyz} fails at once, the
 * server goes on serving for {@code --drain-delay} so that a load balancer takes it out of
 * rotation, then closes gracefully (stops accepting, answers what every connection sent, closes
 * them); the admin endpoint stops last. A second request cuts the delay short.
 */
public final class Drain {
  private static final Logger LOG = LoggerFactory.getLogger(Drain.class);

  private final Duration delay;
  private final Health health;
  private final Runnable closeServer;
  private final AutoCloseable admin;
  private final LongSupplier nanoClock;
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch cutShort = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  /**
   * @param closeServer the graceful close; returns once every connection has closed
   * @param admin the admin endpoint, or null for none
   */
  public Drain(Duration delay, Health health, Runnable closeServer, AutoCloseable admin, LongSupplier nanoClock) {
    this.delay = delay;
    this.health = health;
    this.closeServer = closeServer;
    this.admin = admin;
    this.nanoClock = nanoClock;
  }

  /**
   * Asks the server to stop; returns at once. The first request starts the drain on a thread of its
   * own; any later one ends the delay now.
   */
  public void request() {
    if (requests.incrementAndGet() == 1) {
      health.draining(); // before anything else: a probe that comes in now already sees it
      new Thread(this::run, "tsecho-drain").start();
    } else {
      cutShort.countDown();
    }
  }

  /** Blocks until the drain has finished: the server closed and the admin endpoint stopped. */
  public void awaitFinished() {
    boolean interrupted = false;
    while (true) {
      try {
        finished.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // a shutdown hook must not return early, whoever interrupts it
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long started = nanoClock.getAsLong();
    try {
      boolean waited = !delay.isZero();
      String probe = admin != null ? "/readyz fails; " : "";
      // Without a delay or probes to watch, stopping is the plain Ctrl-C of old: it says nothing unless asked (-v).
      Level level = waited || admin != null ? Level.INFO : Level.DEBUG;
      if (waited) {
        LOG.atLevel(level).log("draining: {}serving {} more, then closing (Ctrl-C or SIGTERM again closes now)",
            probe, text(delay));
      } else {
        LOG.atLevel(level).log("draining: {}closing: no new connections, each open one answered and closed", probe);
      }
      boolean cut = waited && awaitCutShort();
      try {
        closeServer.run();
        LOG.atLevel(level).log("drained in {}{}: every connection answered and closed",
            text(Duration.ofNanos(nanoClock.getAsLong() - started)), cut ? " (delay cut short)" : "");
      } catch (RuntimeException e) {
        LOG.error("closing the server failed: {}", e.toString()); // one line: the process ends all the same
      } finally {
        health.stopped();
      }
    } finally {
      try {
        if (admin != null) {
          admin.close();
        }
      } catch (Exception e) {
        LOG.warn("admin endpoint: {}", e.toString());
      } finally {
        finished.countDown();
      }
    }
  }

  /** Waits out the delay; true if a second request ended it early. */
  private boolean awaitCutShort() {
    try {
      return cutShort.await(delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private static String text(Duration d) {
    long millis = d.toMillis();
    return millis < 1000 ? millis + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
