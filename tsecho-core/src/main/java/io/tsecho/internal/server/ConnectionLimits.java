package io.tsecho.internal.server;

import io.tsecho.config.ServerConfig;

/**
 * What every connection of a server shares: its settings, the buffer budget, the counts and the
 * idle time-outs.
 *
 * @param config the server's settings
 * @param budget bytes all connections may hold at once
 * @param stats what the connections did
 * @param idleTimeouts the idle time-out of every connection, one timer per event loop
 */
public record ConnectionLimits(ServerConfig config, BufferBudget budget, ConnectionStats stats,
    IdleTimeouts idleTimeouts) {
  public static ConnectionLimits of(ServerConfig config) {
    return new ConnectionLimits(config, new BufferBudget(config.maxBuffered()), new ConnectionStats(),
        new IdleTimeouts(config.idleTimeout()));
  }
}
