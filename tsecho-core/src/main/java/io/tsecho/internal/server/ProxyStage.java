package io.tsecho.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.tsecho.config.ProxySettings;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PROXY protocol header (v1 or v2) in front of every other stage: {@code --proxy-protocol},
 * {@code --proxy-from} and {@code --proxy-timeout}. Each connection gets its own {@link ProxyGate},
 * which leaves the pipeline once the header is read.
 */
final class ProxyStage implements ConnectionStage {
  private static final Logger LOG = LoggerFactory.getLogger("io.tsecho.proxy");

  private final ProxySettings settings;
  private final ListenerEvents events;
  private final RateLimitedLog refusals;
  private final String timeoutText;

  ProxyStage(ProxySettings settings, ListenerEvents events, RateLimitedLog refusals) {
    this.settings = settings;
    this.events = events;
    this.refusals = refusals;
    this.timeoutText = text(settings.timeout());
  }

  /** The log of connections refused for their header, shared by a server's listeners. */
  static RateLimitedLog refusalLog() {
    return new RateLimitedLog(LOG, "connections closed for a missing, bad or untrusted PROXY header", 10,
        TimeUnit.SECONDS, System::nanoTime);
  }

  @Override
  public String name() {
    return PipelineNames.PROXY;
  }

  @Override
  public ChannelHandler newHandler(Channel channel) {
    return new ProxyGate(settings, events, refusals, LOG, timeoutText);
  }

  @Override
  public boolean isGate() {
    return true;
  }

  private static String text(Duration timeout) {
    long ms = timeout.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
