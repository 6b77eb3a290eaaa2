package io.tsecho.internal.server;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idle time-out of a server's connections, kept by one timer per event loop instead of one per
 * connection. Each loop lists its connections in the order they were last active, so the first on
 * the list is always the next to reach the time-out, and the loop's timer waits for that one. A
 * connection that reads moves to the end of its list: a few field writes, nothing allocated.
 */
final class IdleTimeouts {
  private static final Logger LOG = LoggerFactory.getLogger(IdleTimeouts.class);

  private final long timeoutNanos;
  private final ConcurrentMap<EventExecutor, Loop> loops = new ConcurrentHashMap<>();

  /** @param timeout how long a connection may stay silent; zero for ever */
  IdleTimeouts(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  /** The list of the connections that {@code executor} serves, or null when connections never time out. */
  Loop of(EventExecutor executor) {
    if (timeoutNanos == 0) {
      return null;
    }
    Loop loop = loops.get(executor);
    return loop != null ? loop : loops.computeIfAbsent(executor, e -> new Loop(e, timeoutNanos));
  }

  /** A connection's handler, as its loop's list holds it: the links belong to the list. */
  abstract static class Timed extends ChannelInboundHandlerAdapter {
    private Timed previous;
    private Timed next;
    /** Since when the connection has been silent, on its loop's ticker. */
    private long silentSinceNanos;

    /** Silent for the whole time-out: the list has let go of the connection, which may add itself again. */
    abstract void idleTimeoutReached(long nowNanos);
  }

  /** One event loop's connections, used on that loop's thread only. */
  static final class Loop implements Runnable {
    private final EventExecutor executor;
    private final long timeoutNanos;
    private Timed first;
    private Timed last;
    /** Whether a wake-up is pending; it is due at or before the first connection's deadline. */
    private boolean scheduled;
    private boolean sweeping;

    private Loop(EventExecutor executor, long timeoutNanos) {
      this.executor = executor;
      this.timeoutNanos = timeoutNanos;
    }

    /** Times {@code connection}, silent from {@code nowNanos}; it must not be timed already. */
    void add(Timed connection, long nowNanos) {
      assert executor.inEventLoop();
      assert !isListed(connection);
      connection.silentSinceNanos = nowNanos;
      append(connection);
      if (!scheduled && !sweeping) {
        schedule(nowNanos);
      }
    }

    /**
     * The connection was active at {@code nowNanos}: its silence counts from then. Its deadline is
     * now the latest, so it goes to the end; the timer keeps its time, and finds the new first
     * connection when it wakes up.
     */
    void touch(Timed connection, long nowNanos) {
      assert executor.inEventLoop();
      connection.silentSinceNanos = nowNanos;
      if (connection != last && isListed(connection)) {
        unlink(connection);
        append(connection);
      }
    }

    /** Stops timing {@code connection}; nothing happens if it was not timed. */
    void remove(Timed connection) {
      assert executor.inEventLoop();
      if (isListed(connection)) {
        unlink(connection);
      }
    }

    @Override
    public void run() {
      scheduled = false;
      long now = executor.ticker().nanoTime();
      sweeping = true;
      try {
        while (first != null && now - first.silentSinceNanos >= timeoutNanos) {
          Timed silent = first;
          unlink(silent);
          try {
            silent.idleTimeoutReached(now);
          } catch (RuntimeException e) { // a fault in one connection must not leave the rest untimed
            LOG.warn("idle time-out of a connection failed; it is no longer timed: {}", e.toString());
          }
        }
      } finally {
        sweeping = false;
        if (first != null) {
          schedule(now);
        }
      }
    }

    private void schedule(long nowNanos) {
      scheduled = true;
      executor.schedule(this, first.silentSinceNanos + timeoutNanos - nowNanos, TimeUnit.NANOSECONDS);
    }

    private boolean isListed(Timed connection) {
      return connection.previous != null || first == connection;
    }

    private void append(Timed connection) {
      connection.previous = last;
      connection.next = null;
      if (last == null) {
        first = connection;
      } else {
        last.next = connection;
      }
      last = connection;
    }

    private void unlink(Timed connection) {
      if (connection.previous == null) {
        first = connection.next;
      } else {
        connection.previous.next = connection.next;
      }
      if (connection.next == null) {
        last = connection.previous;
      } else {
        connection.next.previous = connection.previous;
      }
      connection.previous = null;
      connection.next = null;
    }
  }
}
