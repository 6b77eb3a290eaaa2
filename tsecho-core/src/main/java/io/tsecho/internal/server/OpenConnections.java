package io.tsecho.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The TCP connections a server serves now, over every listener, held to {@code --max-connections}.
 * This one object listens to every admitted connection's close, to forget it and count it out: a
 * close future with a single listener keeps it in a field, where two would need a list of their own.
 */
final class OpenConnections implements ChannelFutureListener {
  private final int max;
  private final AtomicInteger count = new AtomicInteger();
  private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
  /**
   * Set by {@link #shutDown}, which then reads the set; {@link #admit} writes the set, then reads this.
   * All four are volatile accesses, so at least one side sees the other: no connection misses the
   * notice, and one admitted just then may get it twice, which the handlers ignore.
   */
  private volatile boolean shuttingDown;

  OpenConnections(int max) {
    this.max = max;
  }

  /** Admits {@code channel} unless the server already serves its maximum; false if it does. */
  boolean admit(Channel channel) {
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      return false;
    }
    channels.add(channel);
    channel.closeFuture().addListener(this);
    if (shuttingDown) {
      // Accepted as its listener closed and set up after the others were told: told after its set-up.
      channel.eventLoop().execute(() -> channel.pipeline().fireUserEventTriggered(ServerShutdown.INSTANCE));
    }
    return true;
  }

  /** An admitted connection has closed. */
  @Override
  public void operationComplete(ChannelFuture closed) {
    channels.remove(closed.channel());
    count.decrementAndGet();
  }

  /** How many connections are admitted and not closed yet. */
  int count() {
    return count.get();
  }

  /** The connections open now. */
  List<Channel> channels() {
    return List.copyOf(channels);
  }

  /**
   * Tells every open connection that the server stops ({@link ServerShutdown}), and every connection
   * admitted from now on as soon as it is set up.
   */
  void shutDown() {
    shuttingDown = true;
    for (Channel channel : channels()) {
      channel.pipeline().fireUserEventTriggered(ServerShutdown.INSTANCE);
    }
  }

  /** Waits until every connection open now has closed, or {@code timeoutMillis} have passed. */
  void awaitClosed(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (Channel channel : channels()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      channel.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
    }
  }

  /** Closes every connection still open, and waits at most {@code timeoutMillis} for them to be gone. */
  void closeAll(long timeoutMillis) {
    for (Channel channel : channels()) {
      channel.close();
    }
    awaitClosed(timeoutMillis);
  }
}
