package io.tsecho.internal.server;

import io.tsecho.config.ServerConfig;
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

  /** @param connection the listener's settings for any connection, of service stamp or whoami */
  static StampSettings of(ConnectionSettings connection, Stamper stamper, InputProbe input, WhoamiHeader whoami) {
    ServerConfig config = connection.limits().config();
    return new StampSettings(connection, config.framing(), config.maxLine(), stamper, input, whoami,
        config.partialDelay().toNanos(), config.lineTimeout().toNanos(), ErrorReplies.lineTooLong(config.maxLine()),
        ErrorReplies.lineTimeout(config.lineTimeout()));
  }
}
