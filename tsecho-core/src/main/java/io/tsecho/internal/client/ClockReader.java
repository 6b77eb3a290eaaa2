package io.tsecho.internal.client;

import io.tsecho.config.ClientConfig;
import io.tsecho.internal.client.DatagramExchange.TimedReply;
import io.tsecho.internal.net.Addresses;
import io.tsecho.protocol.Rfc868;
import io.tsecho.protocol.StampParser;
import io.tsecho.protocol.StampParser.Stamp;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads the clock of an RFC 868 (time) or RFC 867 (daytime) server, tsecho or any other, over TCP
 * (the server speaks on connect) or UDP (the server answers an empty datagram).
 */
public final class ClockReader {
  private static final Duration ONE_SECOND = Duration.ofSeconds(1);
  private static final int MAX_DAYTIME = 512;

  private final ClientConfig config;
  private final Clock clock;
  private final int retries;
  private final ConnectOptions connect;

  public ClockReader(ClientConfig config, Clock clock, int retries) {
    this(config, clock, retries, ConnectOptions.PLAIN);
  }

  /** @param connect over TCP, the PROXY header to send first and where to trace socket calls */
  public ClockReader(ClientConfig config, Clock clock, int retries, ConnectOptions connect) {
    this.config = config;
    this.clock = clock;
    this.retries = retries;
    this.connect = connect;
  }

  public ClockReading readTime(boolean udp) throws ClientException {
    Exchange e = udp ? udp() : tcp(4);
    if (e.reply.length != 4) {
      throw new ClientException(ClientFailure.CONNECTION_LOST,
          "time server " + e.server + " sent " + e.reply.length + " bytes; RFC 868 sends 4");
    }
    long value = Rfc868.decodeBytes(e.reply);
    Instant remote = Rfc868.decode(value, e.midpoint);
    return new ClockReading(e.server, remote, Long.toString(value), e.midpoint, ONE_SECOND, e.roundTrip,
        "RFC 868 value " + value + ", era " + Rfc868.era(value, e.midpoint));
  }

  public ClockReading readDaytime(boolean udp, ZoneId localZone) throws ClientException {
    Exchange e = udp ? udp() : tcp(MAX_DAYTIME);
    String text = new String(e.reply, StandardCharsets.ISO_8859_1).strip();
    ParsedDaytime parsed = parseDaytime(text, localZone);
    if (parsed == null) {
      return new ClockReading(e.server, null, text, e.midpoint, ONE_SECOND, e.roundTrip, "not a time format tsecho reads");
    }
    return new ClockReading(e.server, parsed.instant, text, e.midpoint, parsed.resolution, e.roundTrip, parsed.how);
  }

  /** A daytime text read as an instant, the step it resolves, and how it was read. */
  record ParsedDaytime(Instant instant, Duration resolution, String how) {}

  /**
   * RFC 867 leaves the text's format open. This reads what a stamp may be (C's ctime, as inetd
   * sends it, in the server's local time, taken here as {@code localZone}; ISO-8601 with an offset;
   * epoch counts) and RFC 1123.
   */
  static ParsedDaytime parseDaytime(String text, ZoneId localZone) {
    Stamp stamp = Stamps.parse(new StampParser(localZone), text);
    if (stamp != null) {
      return new ParsedDaytime(stamp.instant(), stamp.resolution(), how(stamp.format(), localZone));
    }
    try {
      return new ParsedDaytime(ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(), ONE_SECOND,
          "RFC 1123");
    } catch (DateTimeParseException ignored) {
      return null;
    }
  }

  private static String how(String format, ZoneId localZone) {
    switch (format) {
      case "ctime": return "ctime, read in the local zone " + localZone;
      case "iso": return "ISO-8601";
      case "rfc3339": return "RFC 3339";
      case "epoch-s": return "epoch seconds";
      case "epoch-ms": return "epoch milliseconds";
      case "epoch-us": return "epoch microseconds";
      case "epoch-ns": return "epoch nanoseconds";
      default: return format;
    }
  }

  /** A reply, the server that sent it, and the local clock halfway through the exchange. */
  private record Exchange(String server, byte[] reply, Instant midpoint, Duration roundTrip) {}

  private Exchange tcp(int maxBytes) throws ClientException {
    Instant sentAt = clock.instant();
    long start = System.nanoTime();
    ClientConnection connection = ClientConnection.open(config, connect);
    String server = connection.server();
    try (connection) {
      connection.readTimeout(config.replyTimeout());
      byte[] reply = connection.in().readNBytes(maxBytes);
      return exchange(server, reply, sentAt, start, System.nanoTime());
    } catch (SocketTimeoutException e) {
      throw new ClientException(ClientFailure.TIMEOUT,
          "no reply from " + server + " within " + Durations.format(config.replyTimeout()));
    } catch (IOException e) {
      throw ClientConnection.lost(server, e);
    }
  }

  /**
   * Each try sends an empty datagram (RFC 868 asks for one) from a fresh socket. The replies to
   * every try look alike, so a late reply to an earlier try, timed from a later send, would claim a
   * round trip it never had; with a socket per try it lands on a closed port instead.
   */
  private Exchange udp() throws ClientException {
    InetSocketAddress address = Resolver.resolve(config.host(), config.port());
    String server = Addresses.describe(config.host(), address);
    for (int attempt = 0; attempt <= retries; attempt++) {
      // Unconnected on purpose: the JDK silently drops a zero-length send on a connected DatagramSocket.
      // Replies from anyone but the server are ignored.
      try (DatagramSocket socket = new DatagramSocket()) {
        Instant anchor = clock.instant();
        long anchorNanos = System.nanoTime();
        TimedReply reply = new DatagramExchange(socket).sendAndWait(new DatagramPacket(new byte[0], 0, address),
            config.replyTimeout(), packet -> address.equals(packet.getSocketAddress()));
        if (reply != null) {
          Instant sentAt = anchor.plusNanos(reply.sentNanos() - anchorNanos);
          return exchange(server, reply.bytes(), sentAt, reply.sentNanos(), reply.receivedNanos());
        }
      } catch (IOException e) {
        throw new ClientException(ClientFailure.CONNECTION_LOST, "udp to " + server + " failed: " + e.getMessage());
      }
    }
    throw new ClientException(ClientFailure.TIMEOUT, "no reply from udp " + server + " after " + (retries + 1)
        + " tries of " + Durations.format(config.replyTimeout()));
  }

  private static Exchange exchange(String server, byte[] reply, Instant sentAt, long startNanos, long endNanos) {
    Duration roundTrip = Duration.ofNanos(endNanos - startNanos);
    return new Exchange(server, reply, sentAt.plus(roundTrip.dividedBy(2)), roundTrip);
  }

  /** Two lines for people: the remote time and how it was read, then the offset from the local clock. */
  public static String describe(String what, ClockReading r) {
    StringBuilder s = new StringBuilder(what).append(' ').append(r.server()).append(": ");
    if (r.remote() == null) {
      s.append('"').append(r.raw()).append("\" (").append(r.note()).append(")\n");
      s.append("offset: unknown; round trip ").append(millis(r.roundTrip())).append(" ms\n");
      return s.toString();
    }
    s.append(r.remote()).append(" (").append(r.note()).append(")\n");
    s.append(String.format(Locale.ROOT, "offset: %+.3f s ± %.3f s (remote minus local; %s),"
        + " round trip %s ms%n", seconds(r.offset()), seconds(r.bound()), resolution(r.resolution()),
        millis(r.roundTrip())));
    return s.toString();
  }

  private static String resolution(Duration step) {
    return step.compareTo(ONE_SECOND) >= 0 ? "the protocol counts whole seconds"
        : "the reading resolves " + Durations.step(step);
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static String millis(Duration d) {
    return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e6);
  }
}
