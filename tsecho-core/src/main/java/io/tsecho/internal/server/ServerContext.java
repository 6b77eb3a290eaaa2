package io.tsecho.internal.server;

import io.tsecho.config.ServerConfig;

/**
 * What every listener of one server shares.
 *
 * @param connections the TCP connections served now, over every listener, against {@code --max-connections}
 * @param refusals the log of connections refused over that limit
 * @param accessLog the log of connections and datagrams turned away by access rules
 * @param messages told of every message received, or null (as almost always) for none
 * @param tls the TLS stages of {@code tls} listeners, or null when there are none
 */
record ServerContext(
    ServerConfig config,
    Clocks clocks,
    ConnectionLimits limits,
    OpenConnections connections,
    RateLimitedLog refusals,
    RateLimitedLog accessLog,
    SourceCounts perSource,
    UdpDrops udpDrops,
    Faults faults,
    ServerEvents events,
    MessageListener messages,
    TlsStages tls) {}
