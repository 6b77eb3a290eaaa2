package io.tsecho.internal.server;

import io.tsecho.config.ServerConfig;
import io.tsecho.protocol.Rfc868;
import io.tsecho.protocol.Stamper;
import java.time.Clock;

/** The server's clock in each form its services send it, shared by every listener. */
final class Clocks {
  private final Clock clock;
  private final Stamper replyPrefix;
  private final Stamper daytime;

  Clocks(ServerConfig config, Clock clock) {
    this.clock = clock;
    this.replyPrefix = Stamper.replyPrefix(config.timeFormat(), clock);
    this.daytime = Stamper.daytimeLine(config.timeFormat(), clock);
  }

  Stamper replyPrefix() {
    return replyPrefix;
  }

  Stamper daytime() {
    return daytime;
  }

  byte[] rfc868() {
    return Rfc868.encodeBytes(Math.floorDiv(clock.millis(), 1000L));
  }
}
