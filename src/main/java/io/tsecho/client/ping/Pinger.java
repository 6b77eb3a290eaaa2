package io.tsecho.client.ping;

import io.tsecho.client.ClientException;
import io.tsecho.client.ClientFailure;
import io.tsecho.client.Connector;
import io.tsecho.config.Service;
import io.tsecho.metrics.LatencySummary;
import io.tsecho.protocol.StampParser;
import io.tsecho.protocol.StampParser.Stamp;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
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
  private final StampParser parser;

  public Pinger(PingOptions options) {
    this.options = options;
    this.parser = new StampParser(options.ctimeZone());
  }

  /**
   * Probes until the count is reached or {@code stop} says so.
   *
   * @param onProbe told of each probe as it ends
   * @throws ClientException when the server cannot be reached at all
   */
  public PingReport run(BooleanSupplier stop, Consumer<ProbeResult> onProbe) throws ClientException {
    Histogram rtts = LatencySummary.newNanosHistogram();
    List<OffsetSample> samples = new ArrayList<>();
    String format = null;
    long sent = 0;
    long received = 0;
    // Wall times come from one anchor plus the monotonic clock, so a clock step cannot distort them.
    Instant anchor = Instant.now();
    long anchorNanos = System.nanoTime();
    long start = anchorNanos;
    try (ProbeChannel channel = options.udp() ? new UdpProbes() : new TcpProbes()) {
      while (!stop.getAsBoolean() && (options.count() == 0 || sent < options.count())) {
        long due = start + sent * options.interval().toNanos();
        if (!sleepUntil(due, stop)) {
          break;
        }
        long seq = ++sent;
        byte[] probe = ("tsecho ping " + seq + "\n").getBytes(StandardCharsets.US_ASCII);
        long sentNanos = System.nanoTime();
        channel.send(probe);
        byte[] reply = awaitReply(channel, probe, sentNanos + options.replyTimeout().toNanos());
        long receivedNanos = System.nanoTime();
        if (reply == null) {
          onProbe.accept(new ProbeResult(seq, null, null, null, null));
          continue;
        }
        received++;
        rtts.recordValue(Math.max(1, receivedNanos - sentNanos));
        ProbeResult result = result(seq, reply, probe, anchor, anchorNanos, sentNanos, receivedNanos);
        if (result.sample() != null) {
          samples.add(result.sample());
          format = result.stamp().format();
        }
        onProbe.accept(result);
      }
    } catch (PortUnreachableException e) {
      throw new ClientException(ClientFailure.REFUSED, "nothing listens on udp " + target() + " (port unreachable)");
    } catch (IOException e) {
      throw new ClientException(ClientFailure.CONNECTION_LOST, "connection to " + target() + " lost: " + e.getMessage());
    }
    return new PingReport(target(), options.udp() ? "udp" : "tcp", options.service().cliName(), sent, received,
        Duration.ofNanos(System.nanoTime() - start), LatencySummary.of(rtts), OffsetSample.best(samples), format,
        samples.size());
  }

  private ProbeResult result(long seq, byte[] reply, byte[] probe, Instant anchor, long anchorNanos, long sentNanos,
      long receivedNanos) {
    Duration rtt = Duration.ofNanos(receivedNanos - sentNanos);
    if (options.service() == Service.ECHO) {
      return new ProbeResult(seq, rtt, null, null, null);
    }
    String text = new String(reply, 0, reply.length - probe.length, StandardCharsets.UTF_8);
    Stamp stamp = parser.parseReply(text);
    String stampText = text.startsWith("[") && text.endsWith("] ") ? text.substring(1, text.length() - 2) : text;
    if (stamp == null) {
      return new ProbeResult(seq, rtt, stampText, null, null);
    }
    OffsetSample sample = new OffsetSample(anchor.plusNanos(sentNanos - anchorNanos),
        anchor.plusNanos(receivedNanos - anchorNanos), stamp.instant(), stamp.resolution());
    return new ProbeResult(seq, rtt, stampText, stamp, sample);
  }

  /** Reads until the reply to {@code probe} arrives; earlier probes' late replies are skipped. Null on time-out. */
  private static byte[] awaitReply(ProbeChannel channel, byte[] probe, long deadline) throws IOException {
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      byte[] reply = channel.receive(left);
      if (reply == null) {
        return null;
      }
      if (endsWith(reply, probe)) {
        return reply;
      }
    }
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

  private String target() {
    String host = options.target().host();
    return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + options.target().port();
  }

  private interface ProbeChannel extends Closeable {
    void send(byte[] probe) throws IOException;

    /** The next reply, or null if none arrives within the time. */
    byte[] receive(long timeoutNanos) throws IOException;
  }

  private final class TcpProbes implements ProbeChannel {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);

    TcpProbes() throws ClientException, IOException {
      socket = Connector.connect(options.target().host(), options.target().port(), options.target().connectTimeout());
      out = socket.getOutputStream();
      in = new java.io.BufferedInputStream(socket.getInputStream());
    }

    @Override
    public void send(byte[] probe) throws IOException {
      out.write(probe);
      out.flush();
    }

    @Override
    public byte[] receive(long timeoutNanos) throws IOException {
      socket.setSoTimeout((int) Math.max(1, timeoutNanos / 1_000_000));
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
        return null; // a partial line stays buffered for the next call
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private final class UdpProbes implements ProbeChannel {
    private final DatagramSocket socket;
    private final byte[] buffer = new byte[65_536];

    UdpProbes() throws ClientException, IOException {
      InetAddress address;
      try {
        address = InetAddress.getByName(Connector.hostLiteral(options.target().host()));
      } catch (UnknownHostException e) {
        throw new ClientException(ClientFailure.UNKNOWN_HOST, "unknown host: " + options.target().host());
      }
      socket = new DatagramSocket();
      socket.connect(new InetSocketAddress(address, options.target().port()));
    }

    @Override
    public void send(byte[] probe) throws IOException {
      socket.send(new DatagramPacket(probe, probe.length));
    }

    @Override
    public byte[] receive(long timeoutNanos) throws IOException {
      socket.setSoTimeout((int) Math.max(1, timeoutNanos / 1_000_000));
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        return null;
      }
      return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
