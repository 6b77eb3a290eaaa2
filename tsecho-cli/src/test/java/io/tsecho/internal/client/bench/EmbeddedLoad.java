package io.tsecho.internal.client.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import io.tsecho.internal.client.bench.LoopStats.Snapshot;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One load connection (connection 3) on an embedded channel, with a clock the test moves by hand:
 * requests are read from the channel's outbound side, replies written to its inbound side.
 */
final class EmbeddedLoad implements AutoCloseable {
  /** Any origin will do, negative included. */
  static final long T0 = -7_000_000_000L;
  static final String STAMP = "[Tue Jan  9 21:14:00 2018] ";
  private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 21566);
  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

  /** A run's settings, changed one at a time from a one-connection stamp run over TCP. */
  static final class Settings {
    long requests;
    int depth = 1;
    int size = 64;
    Duration duration = Duration.ofSeconds(10);
    Duration warmup = Duration.ZERO;
    double rate;
    Service service = Service.STAMP;
    boolean udp;
    Duration replyTimeout = Duration.ofSeconds(5);

    BenchOptions options() {
      return new BenchOptions("127.0.0.1", 21566, 1, depth, size, duration, requests, warmup, udp, rate, 1,
          replyTimeout, Duration.ofSeconds(5), service, Transport.NIO);
    }
  }

  long now = T0;
  final BenchRun run;
  final LoadConnection connection;
  final EmbeddedChannel channel;

  /** @param after handlers behind the connection in the pipeline */
  EmbeddedLoad(Settings settings, ChannelHandler... after) {
    run = new BenchRun(settings.options(), () -> now);
    connection = settings.udp ? new UdpLoadConnection(run, 3) : new TcpLoadConnection(run, 3);
    channel = new EmbeddedChannel(connection);
    channel.pipeline().addLast(after);
    run.begin(now, 1);
  }

  /** Starts a closed loop; {@code quota} matters in a run of N requests only. */
  EmbeddedLoad start(long quota) {
    connection.start(quota, null, 0);
    return this;
  }

  /**
   * Starts the connection at a fixed rate: its slots every {@code periodNanos} from {@link #T0}, released
   * by the returned pacer when the test pumps it.
   */
  Pacer paced(long quota, long periodNanos) {
    Pacer pacer = new Pacer(run, List.of(connection), T0, periodNanos);
    connection.start(quota, pacer, 0);
    return pacer;
  }

  /** The requests written since the last call, one line each, newline included. */
  List<String> sent() {
    List<String> lines = new ArrayList<>();
    for (String message : written()) {
      for (String line : message.split("(?<=\n)")) {
        lines.add(line);
      }
    }
    return lines;
  }

  /** The messages written since the last call, each whole: a batch over TCP, a datagram over UDP. */
  List<String> written() {
    List<String> messages = new ArrayList<>();
    ByteBuf b;
    while ((b = channel.readOutbound()) != null) {
      messages.add(b.toString(US_ASCII));
      b.release();
    }
    return messages;
  }

  /** Delivers bytes from the server in one read: over TCP as they are, over UDP as one datagram. */
  void receive(String text) {
    ByteBuf bytes = Unpooled.copiedBuffer(text, US_ASCII);
    channel.writeInbound(connection instanceof UdpLoadConnection ? new DatagramPacket(bytes, CLIENT, SERVER) : bytes);
  }

  /** The server's stamped answer to a request, newline included. */
  void answer(String request) {
    receive(STAMP + request);
  }

  Snapshot snapshot() {
    return connection.stats.snapshot(LoopStats.Histograms.empty());
  }

  @Override
  public void close() {
    channel.finishAndReleaseAll();
  }
}
