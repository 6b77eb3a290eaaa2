package io.tsecho.client;

import io.tsecho.config.ClientConfig;
import io.tsecho.protocol.Rfc868;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
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

  public ClockReader(ClientConfig config, Clock clock, int retries) {
    this.config = config;
    this.clock = clock;
    this.retries = retries;
  }

  public ClockReading readTime(boolean udp) throws ClientException {
    Exchange e = udp ? udp() : tcp(4);
    if (e.reply.length != 4) {
      throw new ClientException(ClientFailure.CONNECTION_LOST,
          "time server " + target() + " sent " + e.reply.length + " bytes; RFC 868 sends 4");
    }
    long value = Rfc868.decodeBytes(e.reply);
    Instant remote = Rfc868.decode(value, e.midpoint);
    return new ClockReading(remote, Long.toString(value), e.midpoint, ONE_SECOND, e.roundTrip,
        "RFC 868 value " + value + ", era " + Rfc868.era(value, e.midpoint));
  }

  public ClockReading readDaytime(boolean udp, ZoneId localZone) throws ClientException {
    Exchange e = udp ? udp() : tcp(MAX_DAYTIME);
    String text = new String(e.reply, StandardCharsets.ISO_8859_1).strip();
    ParsedDaytime parsed = parseDaytime(text, localZone);
    return new ClockReading(parsed == null ? null : parsed.instant, text, e.midpoint, ONE_SECOND, e.roundTrip,
        parsed == null ? "not a time format tsecho reads" : parsed.how);
  }

  /** A daytime text read as an instant, and how. */
  record ParsedDaytime(Instant instant, String how) {}

  /**
   * RFC 867 leaves the text's format open. This reads the common ones: C's ctime (as inetd sends it,
   * in the server's local time, taken here as this machine's zone), ISO-8601 with an offset,
   * RFC 1123, and epoch seconds.
   */
  static ParsedDaytime parseDaytime(String text, ZoneId localZone) {
    try {
      LocalDateTime local = LocalDateTime.parse(text, DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH));
      return new ParsedDaytime(local.atZone(localZone).toInstant(), "ctime, read in the local zone " + localZone);
    } catch (DateTimeParseException ignored) {
      // not ctime
    }
    try {
      return new ParsedDaytime(ZonedDateTime.parse(text, DateTimeFormatter.ISO_DATE_TIME).toInstant(), "ISO-8601");
    } catch (DateTimeParseException ignored) {
      // not ISO-8601 with an offset
    }
    try {
      return new ParsedDaytime(ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(), "RFC 1123");
    } catch (DateTimeParseException ignored) {
      // not RFC 1123
    }
    if (text.matches("\\d{9,11}")) {
      return new ParsedDaytime(Instant.ofEpochSecond(Long.parseLong(text)), "epoch seconds");
    }
    return null;
  }

  private record Exchange(byte[] reply, Instant midpoint, Duration roundTrip) {}

  private Exchange tcp(int maxBytes) throws ClientException {
    Instant sentAt = clock.instant();
    long start = System.nanoTime();
    try (Socket socket = Connector.connect(config.host(), config.port(), config.connectTimeout())) {
      socket.setSoTimeout((int) config.replyTimeout().toMillis());
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(maxBytes);
      long end = System.nanoTime();
      return exchange(reply, sentAt, start, end);
    } catch (SocketTimeoutException e) {
      throw new ClientException(ClientFailure.TIMEOUT,
          "no reply from " + target() + " within " + Durations.format(config.replyTimeout()));
    } catch (IOException e) {
      throw new ClientException(ClientFailure.CONNECTION_LOST, "connection to " + target() + " lost: " + e.getMessage());
    }
  }

  private Exchange udp() throws ClientException {
    InetAddress address;
    try {
      address = InetAddress.getByName(Connector.hostLiteral(config.host()));
    } catch (UnknownHostException e) {
      throw new ClientException(ClientFailure.UNKNOWN_HOST, "unknown host: " + config.host());
    }
    // Unconnected on purpose: the JDK silently drops a zero-length send on a connected DatagramSocket,
    // and RFC 868 asks for an empty datagram. Replies from anyone but the server are ignored.
    InetSocketAddress server = new InetSocketAddress(address, config.port());
    try (DatagramSocket socket = new DatagramSocket()) {
      byte[] buffer = new byte[MAX_DAYTIME];
      for (int attempt = 0; attempt <= retries; attempt++) {
        Instant sentAt = clock.instant();
        long start = System.nanoTime();
        long deadline = start + config.replyTimeout().toNanos();
        socket.send(new DatagramPacket(new byte[0], 0, server));
        while (System.nanoTime() < deadline) {
          socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
          DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
          try {
            socket.receive(packet);
          } catch (SocketTimeoutException e) {
            break;
          }
          if (server.equals(packet.getSocketAddress())) {
            return exchange(Arrays.copyOf(packet.getData(), packet.getLength()), sentAt, start, System.nanoTime());
          }
        }
      }
    } catch (IOException e) {
      throw new ClientException(ClientFailure.CONNECTION_LOST, "udp to " + target() + " failed: " + e.getMessage());
    }
    throw new ClientException(ClientFailure.TIMEOUT, "no reply from udp " + target() + " after " + (retries + 1)
        + " tries of " + Durations.format(config.replyTimeout()));
  }

  private static Exchange exchange(byte[] reply, Instant sentAt, long startNanos, long endNanos) {
    Duration roundTrip = Duration.ofNanos(endNanos - startNanos);
    return new Exchange(reply, sentAt.plus(roundTrip.dividedBy(2)), roundTrip);
  }

  private String target() {
    return config.host() + ":" + config.port();
  }

  /** Two lines for people: the remote time and how it was read, then the offset from the local clock. */
  public static String describe(String what, ClockReading r) {
    StringBuilder s = new StringBuilder(what).append(": ");
    if (r.remote() == null) {
      s.append('"').append(r.raw()).append("\" (").append(r.note()).append(")\n");
      s.append("offset: unknown; round trip ").append(millis(r.roundTrip())).append(" ms\n");
      return s.toString();
    }
    s.append(r.remote()).append(" (").append(r.note()).append(")\n");
    s.append(String.format(Locale.ROOT, "offset: %+.3f s ± %.3f s (remote minus local; the protocol counts whole seconds),"
        + " round trip %s ms%n", seconds(r.offset()), seconds(r.bound()), millis(r.roundTrip())));
    return s.toString();
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static String millis(Duration d) {
    return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e6);
  }
}
