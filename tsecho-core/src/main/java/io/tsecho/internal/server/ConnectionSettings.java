package io.tsecho.internal.server;

import io.tsecho.config.Service;

/**
 * What every connection of one TCP listener shares, made once per listener: each connection's
 * handler holds this one reference instead of its own copy of every setting.
 *
 * @param messages told of each message, or null (as almost always) for none
 */
record ConnectionSettings(Service service, ConnectionLimits limits, ListenerEvents events, MessageListener messages,
    long writeTimeoutNanos) {

  static ConnectionSettings of(Service service, ConnectionLimits limits, ListenerEvents events,
      MessageListener messages) {
    return new ConnectionSettings(service, limits, events, messages, limits.config().writeTimeout().toNanos());
  }
}
