package io.tsecho.internal.server;

import io.tsecho.config.ServerConfig;

/**
 * What every connection of a server shares: its settings, the buffer budget and the counts.
 *
 * @param config the server's settings
 * @param budget bytes all connections may hold at once
 * @param stats what the connections did
 */
public record ConnectionLimits(ServerConfig config, BufferBudget budget, ConnectionStats stats) {
  public static ConnectionLimits of(ServerConfig config) {
    return new ConnectionLimits(config, new BufferBudget(config.maxBuffered()), new ConnectionStats());
  }
}
