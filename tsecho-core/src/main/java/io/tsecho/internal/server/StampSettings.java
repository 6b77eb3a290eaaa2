package io.tsecho.internal.server;

import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.protocol.Framing;
import io.tsecho.protocol.Stamper;

/**
 * What every connection of one stamp or whoami listener shares, made once per listener, error
 * lines included: a connection holds one reference to it instead of copies.
 *
 * @param input tells whether a read batch may have left bytes in the socket
 * @param whoami for the whoami service, what goes between the stamp and each message; null for stamp
 */
record StampSettings(ConnectionSettings connection, Framing framing, int maxLine, Stamper stamper, InputProbe input,
    WhoamiHeader whoami, long partialDelayNanos, long lineTimeoutNanos, byte[] lineTooLongError,
    byte[] lineTimeoutError) {

  /** @param messages told of each message answered, or null for none */
  static StampSettings of(ConnectionLimits limits, ListenerEvents events, Stamper stamper, InputProbe input,
      WhoamiHeader whoami, MessageListener messages) {
    ServerConfig config = limits.config();
    ConnectionSettings connection =
        ConnectionSettings.of(whoami == null ? Service.STAMP : Service.WHOAMI, limits, events, messages);
    return new StampSettings(connection, config.framing(), config.maxLine(), stamper, input, whoami,
        config.partialDelay().toNanos(), config.lineTimeout().toNanos(), ErrorReplies.lineTooLong(config.maxLine()),
        ErrorReplies.lineTimeout(config.lineTimeout()));
  }
}
