package io.tsecho.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A way for the server to misbehave on purpose, written {@code KIND[:VALUE][@PROBABILITY]}, for
 * example {@code latency:100ms~20ms}, {@code reset:3@0.1} or {@code drop@0.25}. The probability is
 * drawn once per connection for TCP and once per datagram for UDP.
 *
 * @param kind what happens
 * @param duration the latency, delay or slow-close wait; zero where the kind has none
 * @param jitter latency's spread: each reply waits {@code duration} plus or minus up to this
 * @param amount bytes (bandwidth per second, slice and limit sizes, truncate length) or replies
 *     (reset after N); 0 where the kind has none
 * @param probability from 0 (never) to 1 (always)
 */
public record Fault(Kind kind, Duration duration, Duration jitter, long amount, double probability) {

  /** Every fault, with the protocol it applies to and the value it takes. */
  public enum Kind {
    /** Each reply held for a while, order kept. */
    LATENCY(Protocol.TCP, Value.DURATION_WITH_JITTER),
    /** Replies sent at most this many bytes per second. */
    BANDWIDTH(Protocol.TCP, Value.BYTES),
    /** Replies written this many bytes at a time, each flushed on its own. */
    SLICE(Protocol.TCP, Value.BYTES),
    /** Input is read, nothing is ever answered. */
    STALL(Protocol.TCP, Value.NONE),
    /** The connection is closed after this many bytes of replies. */
    LIMIT(Protocol.TCP, Value.BYTES),
    /** The connection is reset (SO_LINGER 0), at once or after this many replies. */
    RESET(Protocol.TCP, Value.OPTIONAL_COUNT),
    /** After the client's end of input, the server waits this long before it closes. */
    SLOW_CLOSE(Protocol.TCP, Value.DURATION),
    /** The connection is accepted and reset at once. */
    REFUSE(Protocol.TCP, Value.NONE),
    /** The datagram gets no reply. */
    DROP(Protocol.UDP, Value.NONE),
    /** The reply is sent twice. */
    DUPLICATE(Protocol.UDP, Value.NONE),
    /** The reply is sent this much later. */
    DELAY(Protocol.UDP, Value.DURATION),
    /** The reply is held and sent after the next one. */
    REORDER(Protocol.UDP, Value.NONE),
    /** The reply is cut to this many bytes. */
    TRUNCATE(Protocol.UDP, Value.BYTES);

    private final Protocol protocol;
    private final Value value;

    Kind(Protocol protocol, Value value) {
      this.protocol = protocol;
      this.value = value;
    }

    /** The name on the command line, e.g. {@code slow-close}. */
    public String cliName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** TCP faults apply to TCP and TLS listeners, UDP faults to UDP listeners. */
    public boolean appliesTo(Protocol listenerProtocol) {
      return listenerProtocol.socket() == protocol;
    }

    public Protocol protocol() {
      return protocol;
    }
  }

  private enum Value { NONE, DURATION, DURATION_WITH_JITTER, BYTES, OPTIONAL_COUNT }

  public static final String SYNTAX = "KIND[:VALUE][@PROBABILITY], e.g. latency:100ms~20ms, reset:3@0.1, drop@0.25";

  private static final Pattern SPEC = Pattern.compile("([a-z-]+)(?::([^@]*))?(?:@(.*))?");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");
  private static final Pattern BYTES = Pattern.compile("(\\d{1,12})([kmg]?)", Pattern.CASE_INSENSITIVE);

  public Fault {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(jitter, "jitter");
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("fault probability must be between 0 and 1, got " + probability);
    }
    if (jitter.compareTo(duration) > 0) {
      throw new IllegalArgumentException(kind.cliName() + ": the jitter (" + jitter.toMillis()
          + " ms) must not exceed the latency (" + duration.toMillis() + " ms)");
    }
  }

  /**
   * Parses {@code KIND[:VALUE][@PROBABILITY]}.
   *
   * @throws IllegalArgumentException naming the spec and what is wrong with it
   */
  public static Fault parse(String spec) {
    Matcher m = SPEC.matcher(spec.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("fault '" + spec + "' must be " + SYNTAX);
    }
    Kind kind = kind(spec, m.group(1));
    String value = m.group(2);
    double probability = probability(spec, m.group(3));
    switch (kind.value) {
      case NONE:
        if (value != null) {
          throw new IllegalArgumentException("fault '" + spec + "': " + kind.cliName() + " takes no value");
        }
        return new Fault(kind, Duration.ZERO, Duration.ZERO, 0, probability);
      case DURATION:
        return new Fault(kind, duration(spec, required(spec, kind, value, "a duration, e.g. 2s")), Duration.ZERO, 0,
            probability);
      case DURATION_WITH_JITTER: {
        String[] parts = required(spec, kind, value, "a duration, e.g. 100ms or 100ms~20ms").split("~", 2);
        Duration jitter = parts.length == 2 ? duration(spec, parts[1]) : Duration.ZERO;
        return new Fault(kind, duration(spec, parts[0]), jitter, 0, probability);
      }
      case BYTES:
        return new Fault(kind, Duration.ZERO, Duration.ZERO, bytes(spec, required(spec, kind, value, "a size, e.g. 64k")),
            probability);
      case OPTIONAL_COUNT:
      default:
        long count = value == null ? 0 : count(spec, value);
        return new Fault(kind, Duration.ZERO, Duration.ZERO, count, probability);
    }
  }

  private static Kind kind(String spec, String name) {
    for (Kind k : Kind.values()) {
      if (k.cliName().equals(name)) {
        return k;
      }
    }
    StringBuilder names = new StringBuilder();
    for (Kind k : Kind.values()) {
      names.append(names.length() == 0 ? "" : ", ").append(k.cliName());
    }
    throw new IllegalArgumentException("fault '" + spec + "': '" + name + "' is not a fault; use " + names);
  }

  private static String required(String spec, Kind kind, String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("fault '" + spec + "': " + kind.cliName() + " needs " + what);
    }
    return value;
  }

  private static double probability(String spec, String text) {
    if (text == null) {
      return 1;
    }
    try {
      double p = Double.parseDouble(text);
      if (p >= 0 && p <= 1 && text.matches("[0-9.]+")) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("fault '" + spec + "': the probability '" + text + "' must be a number from 0 to 1");
  }

  private static Duration duration(String spec, String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches() || m.group(1).length() > 9) {
      throw new IllegalArgumentException("fault '" + spec + "': '" + text + "' is not a duration (e.g. 50ms, 2s)");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    double millis = unit.equals("ms") ? amount : unit.equals("s") ? amount * 1000 : amount * 60_000;
    if (millis > 3_600_000) {
      throw new IllegalArgumentException("fault '" + spec + "': '" + text + "' is longer than an hour");
    }
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  private static long bytes(String spec, String text) {
    Matcher m = BYTES.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("fault '" + spec + "': '" + text + "' is not a size (e.g. 512, 64k, 1m)");
    }
    int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      default -> 0;
    };
    long n = Long.parseLong(m.group(1));
    if (n == 0 || n > (1L << (40 - shift))) {
      throw new IllegalArgumentException("fault '" + spec + "': the size must be between 1 byte and 1 TiB, got '" + text + "'");
    }
    return n << shift;
  }

  private static long count(String spec, String text) {
    if (!text.matches("\\d{1,9}")) {
      throw new IllegalArgumentException("fault '" + spec + "': '" + text + "' is not a count of replies");
    }
    return Long.parseLong(text);
  }

  /** The spec as {@link #parse} reads it. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(kind.cliName());
    switch (kind.value) {
      case DURATION -> text.append(':').append(millis(duration));
      case DURATION_WITH_JITTER -> {
        text.append(':').append(millis(duration));
        if (!jitter.isZero()) {
          text.append('~').append(millis(jitter));
        }
      }
      case BYTES -> text.append(':').append(amount);
      case OPTIONAL_COUNT -> {
        if (amount > 0) {
          text.append(':').append(amount);
        }
      }
      default -> { }
    }
    if (probability < 1) {
      text.append('@').append(probability);
    }
    return text.toString();
  }

  private static String millis(Duration d) {
    long nanos = d.toNanos();
    return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + "ms" : nanos / 1_000_000.0 + "ms";
  }
}
