package io.tsecho.internal.server;

import io.tsecho.config.Listener;

/**
 * What the server reports as it runs, for metrics: one {@link ListenerEvents} per listener. The
 * server calls it on its event loops, on the hot path for some events, so an implementation counts
 * in plain per-loop fields and sums them when read.
 */
@FunctionalInterface
public interface ServerEvents {
  ServerEvents NONE = listener -> ListenerEvents.NONE;

  /** The events of one listener, asked for once when the server starts. */
  ListenerEvents listener(Listener listener);
}
