package io.tsecho.internal.client.ping;

import io.tsecho.config.Service;
import io.tsecho.internal.client.ClientConnection;
import io.tsecho.internal.client.ClientException;
import io.tsecho.internal.client.ClientFailure;
import io.tsecho.internal.client.ConnectOptions;
import io.tsecho.internal.client.DatagramExchange;
import io.tsecho.internal.client.DatagramExchange.TimedReply;
import io.tsecho.internal.client.Resolver;
import io.tsecho.internal.client.Stamps;
import io.tsecho.internal.metrics.LatencySummary;
import io.tsecho.internal.net.Addresses;
import io.tsecho.protocol.StampParser;
import io.tsecho.protocol.StampParser.Stamp;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * Sends a probe every interval over one TCP connection or UDP socket, times each round trip with
 * {@link System#nanoTime()}, and reads the server's stamp to estimate its clock offset.
 *
 * <p>A probe is the line {@code "tsecho ping <seq>\n"}; a reply belongs to it if it ends with those
 * bytes, so a late reply to an earlier probe is recognised and skipped.
 */
public final class Pinger {
  private final PingOptions options;
  private final ConnectOptions connect;
  private final StampParser parser;

  public Pinger(PingOptions options) {
    this(options, ConnectOptions.PLAIN);
  }

  /** @param connect over TCP, the PROXY header to send first and where to trace socket calls */
  public Pinger(PingOptions options, ConnectOptions connect) {
    this.connect = connect;
    this.options = options;
    this.parser = new StampParser(options.ctimeZone());
  }

  /** Told what happens during a run, for a display. */
  @FunctionalInterface
  public interface Listener {
    /** The connection (or the UDP socket) is ready; {@code server} as {@code 127.0.0.1:21566}. */
    default void connected(String server) {}

    /** A probe ended: answered or lost. */
    void probe(ProbeResult probe);
  }

  /**
   * Probes until the count is reached or {@code stop} says so.
   *
   * @throws ClientException when the server cannot be reached at all
   */
  public PingReport run(BooleanSupplier stop, Listener listener) throws ClientException {
    Histogram rtts = LatencySummary.newNanosHistogram();
    List<OffsetSample> samples = new ArrayList<>();
    String format = null;
    long sent = 0;
    long received = 0;
    // Wall times come from one anchor plus the monotonic clock, so a clock step cannot distort them.
    Instant anchor = Instant.now();
    long anchorNanos = System.nanoTime();
    long start = anchorNanos;
    ProbeChannel channel = options.udp() ? new UdpProbes() : new TcpProbes();
    String server = channel.server();
    listener.connected(server);
    try (channel) {
      while (!stop.getAsBoolean() && (options.count() == 0 || sent < options.count())) {
        long due = start + sent * options.interval().toNanos();
        if (!sleepUntil(due, stop)) {
          break;
        }
        long seq = ++sent;
        byte[] probe = ("tsecho ping " + seq + "\n").getBytes(StandardCharsets.US_ASCII);
        TimedReply reply = channel.exchange(probe, options.replyTimeout());
        if (reply == null) {
          listener.probe(new ProbeResult(seq, null, null, null, null));
          continue;
        }
        received++;
        rtts.recordValue(Math.max(1, reply.receivedNanos() - reply.sentNanos()));
        ProbeResult result = result(seq, reply, probe, anchor, anchorNanos);
        if (result.sample() != null) {
          samples.add(result.sample());
          format = result.stamp().format();
        }
        listener.probe(result);
      }
    } catch (PortUnreachableException e) {
      throw new ClientException(ClientFailure.REFUSED, "nothing listens on udp " + server + " (port unreachable)");
    } catch (IOException e) {
      throw ClientConnection.lost(server, e);
    }
    return new PingReport(server, options.udp() ? "udp" : "tcp", options.service().cliName(), sent, received,
        Duration.ofNanos(System.nanoTime() - start), LatencySummary.of(rtts), OffsetSample.best(samples), format,
        samples.size());
  }

  /** What one answered probe says; a stamp that cannot be read is kept as text, with no offset. */
  private ProbeResult result(long seq, TimedReply reply, byte[] probe, Instant anchor, long anchorNanos) {
    Duration rtt = Duration.ofNanos(reply.receivedNanos() - reply.sentNanos());
    if (options.service() == Service.ECHO) {
      return new ProbeResult(seq, rtt, null, null, null);
    }
    byte[] bytes = reply.bytes();
    String text = new String(bytes, 0, bytes.length - probe.length, StandardCharsets.UTF_8);
    Stamp stamp = Stamps.parseReply(parser, text);
    String stampText = text.startsWith("[") && text.endsWith("] ") ? text.substring(1, text.length() - 2) : text;
    if (stamp == null) {
      return new ProbeResult(seq, rtt, stampText, null, null);
    }
    OffsetSample sample = new OffsetSample(anchor.plusNanos(reply.sentNanos() - anchorNanos),
        anchor.plusNanos(reply.receivedNanos() - anchorNanos), stamp.instant(), stamp.resolution());
    return new ProbeResult(seq, rtt, stampText, stamp, sample);
  }

  static boolean endsWith(byte[] reply, byte[] probe) {
    return reply.length >= probe.length
        && Arrays.equals(reply, reply.length - probe.length, reply.length, probe, 0, probe.length);
  }

  private static boolean sleepUntil(long deadline, BooleanSupplier stop) {
    while (true) {
      if (stop.getAsBoolean()) {
        return false;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return true;
      }
      LockSupport.parkNanos(Math.min(left, 50_000_000L)); // wake up now and then to notice Ctrl-C
    }
  }

  private interface ProbeChannel extends Closeable {
    /** The server, as the user named it. */
    String server();

    /** Sends a probe and waits for its reply, skipping late replies to earlier ones; null when none came in time. */
    TimedReply exchange(byte[] probe, Duration timeout) throws IOException;
  }

  private final class TcpProbes implements ProbeChannel {
    private final ClientConnection connection;
    private final String server;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    /** Made on first use; it keeps a partial line for the next call. */
    private InputStream in;

    TcpProbes() throws ClientException {
      connection = ClientConnection.open(options.target(), connect);
      server = connection.server();
    }

    @Override
    public String server() {
      return server;
    }

    @Override
    public TimedReply exchange(byte[] probe, Duration timeout) throws IOException {
      OutputStream out = connection.out();
      long sent = System.nanoTime();
      out.write(probe);
      out.flush();
      long deadline = sent + timeout.toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        byte[] reply = readLine(left);
        if (reply == null) {
          return null;
        }
        if (endsWith(reply, probe)) {
          return new TimedReply(reply, sent, System.nanoTime());
        }
      }
    }

    /** The next line, or null if it does not end within the time; a partial line stays for the next call. */
    private byte[] readLine(long timeoutNanos) throws IOException {
      connection.readTimeout(Duration.ofMillis(Math.max(1, timeoutNanos / 1_000_000)));
      if (in == null) {
        in = new BufferedInputStream(connection.in());
      }
      try {
        int b;
        while ((b = in.read()) >= 0) {
          line.write(b);
          if (b == '\n') {
            byte[] reply = line.toByteArray();
            line.reset();
            return reply;
          }
        }
        throw new IOException("the server closed the connection");
      } catch (SocketTimeoutException e) {
        return null;
      }
    }

    @Override
    public void close() throws IOException {
      connection.close();
    }
  }

  private final class UdpProbes implements ProbeChannel {
    private final DatagramSocket socket;
    private final String server;
    private final DatagramExchange exchange;

    UdpProbes() throws ClientException {
      InetSocketAddress address = Resolver.resolve(options.target().host(), options.target().port());
      server = Addresses.describe(options.target().host(), address);
      socket = open(address);
      exchange = new DatagramExchange(socket);
    }

    private DatagramSocket open(InetSocketAddress address) throws ClientException {
      DatagramSocket s = null;
      try {
        s = new DatagramSocket();
        s.connect(address);
        return s;
      } catch (IOException e) {
        if (s != null) {
          s.close();
        }
        throw new ClientException(ClientFailure.CONNECTION_LOST, "udp to " + server + " failed: " + e.getMessage());
      }
    }

    @Override
    public String server() {
      return server;
    }

    @Override
    public TimedReply exchange(byte[] probe, Duration timeout) throws IOException {
      return exchange.sendAndWait(new DatagramPacket(probe, probe.length), timeout,
          packet -> DatagramExchange.endsWith(packet, probe));
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
