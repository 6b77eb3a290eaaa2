package io.tsecho.internal.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.tsecho.internal.net.SocketTrace;
import org.slf4j.LoggerFactory;

/** Applies {@code -q} and {@code -v} to the logging set up at start. */
final class LogLevels {
  private LogLevels() {}

  static void apply(boolean quiet, boolean[] verbose) {
    Level tsecho = Level.INFO;
    Level netty = Level.WARN;
    if (quiet) {
      tsecho = Level.WARN;
    } else if (verbose != null && verbose.length > 0) {
      tsecho = Level.DEBUG;
      netty = verbose.length > 1 ? Level.DEBUG : Level.INFO;
    }
    set("io.tsecho", tsecho);
    set("io.netty", netty);
  }

  /** {@code --trace} was asked for: its lines show even with {@code -q}. */
  static void showTrace() {
    set(SocketTrace.LOGGER, Level.INFO);
  }

  private static void set(String name, Level level) {
    org.slf4j.Logger logger = LoggerFactory.getLogger(name);
    if (logger instanceof Logger) {
      ((Logger) logger).setLevel(level);
    }
  }
}
