package io.tsecho.internal.server;

import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Datagrams the UDP side did not answer, counted by reason and logged at most once per interval per reason. */
public final class UdpDrops {
  /** Why a datagram got no reply. */
  public enum Reason {
    LOW_PORT("from a source port below 1024"),
    ACCESS_DENIED("denied by --allow/--deny"),
    SOURCE_RATE("over the per-source rate"),
    GLOBAL_BUDGET("over the global reply budget"),
    TOO_LARGE("answered with an error: the reply would not fit a datagram"),
    SEND_QUEUE_FULL("dropped: the send queue was full");

    private final String text;

    Reason(String text) {
      this.text = text;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger("io.tsecho.udp");

  private final Map<Reason, LongAdder> counts = new EnumMap<>(Reason.class);
  private final Map<Reason, RateLimitedLog> logs = new EnumMap<>(Reason.class);
  private final LongAdder replies = new LongAdder();

  UdpDrops() {
    for (Reason r : Reason.values()) {
      counts.put(r, new LongAdder());
      logs.put(r, new RateLimitedLog(LOG, "udp datagrams " + r.text, 10, TimeUnit.SECONDS, System::nanoTime));
    }
  }

  /** Counts a datagram from {@code source}; allocates nothing, since it runs once per packet of a flood. */
  void record(Reason reason, InetSocketAddress source) {
    counts.get(reason).increment();
    logs.get(reason).record(source);
  }

  void replied() {
    replies.increment();
  }

  public long count(Reason reason) {
    return counts.get(reason).sum();
  }

  public long replies() {
    return replies.sum();
  }
}
