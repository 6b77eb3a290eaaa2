package io.tsecho.client.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.tsecho.client.ClientException;
import io.tsecho.client.ClientFailure;
import io.tsecho.client.Connector;
import io.tsecho.client.Resolver;
import io.tsecho.metrics.LatencySummary;
import io.tsecho.net.Transports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Runs a load against a server: opens every connection, warms up, measures for a duration or a
 * number of requests, drains, and reports. Each second it hands the interval's histogram to an
 * observer (for a live line or an HdrHistogram log).
 */
public final class LoadGenerator {
  /** What a second of the run looked like. */
  public record Interval(double elapsedSeconds, boolean measuring, Histogram latencyNanos, long errors) {}

  private final BenchOptions options;
  private Histogram total;

  public LoadGenerator(BenchOptions options) {
    this.options = options;
  }

  public BenchReport run(Consumer<Interval> everySecond) throws ClientException, InterruptedException {
    InetSocketAddress server = resolve();
    Transports transport = Transports.resolve(options.transport());
    int threads = options.threads() > 0 ? options.threads() : NettyRuntime.availableProcessors();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("tsecho-bench", true),
        transport.ioHandlerFactory());
    try {
      return run(server, transport, group, everySecond);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
  }

  private BenchReport run(InetSocketAddress server, Transports transport, EventLoopGroup group,
      Consumer<Interval> everySecond) throws ClientException, InterruptedException {
    BenchRun run = new BenchRun(options);
    List<LoadConnection> connections = new ArrayList<>();
    List<Channel> channels = new ArrayList<>();
    int failed = 0;
    IOException firstFailure = null;
    for (int id = 0; id < options.connections(); id++) {
      LoadConnection connection = options.udp() ? new UdpLoadConnection(run, id) : new TcpLoadConnection(run, id);
      Bootstrap b = new Bootstrap().group(group)
          .channel(options.udp() ? transport.datagramChannel() : transport.socketChannel())
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
          .handler(connection);
      if (!options.udp()) {
        b.option(ChannelOption.TCP_NODELAY, true);
      }
      ChannelFuture f = b.connect(server).awaitUninterruptibly();
      if (f.isSuccess()) {
        channels.add(f.channel());
        connections.add(connection);
      } else {
        failed++;
        if (firstFailure == null && f.cause() instanceof IOException) {
          firstFailure = (IOException) f.cause();
        }
      }
    }
    if (connections.isEmpty()) {
      throw firstFailure != null
          ? Connector.classify(firstFailure, options.host() + ":" + options.port(), options.connectTimeout())
          : new ClientException(ClientFailure.CONNECTION_LOST, "no connection to " + options.host() + ":" + options.port());
    }
    run.begin(System.nanoTime());

    Map<EventLoop, List<LoadConnection>> byLoop = new HashMap<>();
    for (int i = 0; i < connections.size(); i++) {
      byLoop.computeIfAbsent(channels.get(i).eventLoop(), l -> new ArrayList<>()).add(connections.get(i));
    }
    // One tick per event loop, not per connection: sends what the schedule has made due and gives
    // up on requests past their time-out.
    long tickMicros = options.rate() > 0 ? 200 : 50_000;
    List<ScheduledFuture<?>> ticks = new ArrayList<>();
    for (Map.Entry<EventLoop, List<LoadConnection>> e : byLoop.entrySet()) {
      List<LoadConnection> mine = e.getValue();
      e.getKey().execute(() -> mine.forEach(LoadConnection::send));
      ticks.add(e.getKey().scheduleAtFixedRate(() -> {
        long now = System.nanoTime();
        for (LoadConnection c : mine) {
          c.expire(now);
          c.send();
        }
      }, tickMicros, tickMicros, TimeUnit.MICROSECONDS));
    }

    total = LatencySummary.newNanosHistogram();
    Histogram interval = null;
    long endNanos = run.measureEndNanos;
    long nextReport = run.startNanos + TimeUnit.SECONDS.toNanos(1);
    long lastReplyAt = run.measureStartNanos;
    while (true) {
      long now = System.nanoTime();
      if (run.phase == BenchRun.Phase.WARMUP && now - run.measureStartNanos >= 0) {
        interval = run.latency.getIntervalHistogram(interval);
        everySecond.accept(new Interval((now - run.startNanos) / 1e9, false, interval, run.errors()));
        run.phase = BenchRun.Phase.MEASURE; // warm-up latencies are dropped; seconds count from here
        nextReport = now + TimeUnit.SECONDS.toNanos(1);
      }
      boolean finished = options.totalRequests() > 0
          ? run.phase == BenchRun.Phase.MEASURE && run.budgetSpent() && run.inFlight.get() == 0
          : now - endNanos >= 0;
      if (finished) {
        lastReplyAt = now;
        break;
      }
      if (now - nextReport >= 0) {
        interval = run.latency.getIntervalHistogram(interval);
        boolean measuring = run.phase == BenchRun.Phase.MEASURE;
        if (measuring) {
          total.add(interval);
        }
        everySecond.accept(new Interval((now - run.startNanos) / 1e9, measuring, interval, run.errors()));
        nextReport += TimeUnit.SECONDS.toNanos(1);
      }
      Thread.sleep(options.totalRequests() > 0 ? 1 : 10);
    }
    run.phase = BenchRun.Phase.DRAIN;
    // Replies still on their way are waited for, up to the reply time-out.
    long drainUntil = System.nanoTime() + options.replyTimeout().toNanos();
    while (run.inFlight.get() > 0 && System.nanoTime() - drainUntil < 0) {
      Thread.sleep(1);
    }
    for (ScheduledFuture<?> t : ticks) {
      t.cancel(false);
    }
    for (int i = 0; i < connections.size(); i++) {
      LoadConnection c = connections.get(i);
      channels.get(i).eventLoop().submit(c::abandon).awaitUninterruptibly();
    }
    for (Channel ch : channels) {
      ch.close().awaitUninterruptibly();
    }
    interval = run.latency.getIntervalHistogram(interval);
    total.add(interval);
    everySecond.accept(new Interval((System.nanoTime() - run.startNanos) / 1e9, true, interval, run.errors()));

    Duration measured = Duration.ofNanos(Math.max(1, lastReplyAt - run.measureStartNanos));
    return new BenchReport(options.host() + ":" + options.port(), options.udp() ? "udp" : "tcp",
        options.service().cliName(), options.connections(), options.depth(), options.size(), options.rate(), measured,
        run.ok.sum(), run.bytesSent.sum(), run.bytesReceived(), run.wrong.sum(), run.missing.sum(),
        run.extra.sum(), run.late.sum(), failed, run.connectionsLost.sum(), LatencySummary.of(total));
  }

  /** Every measured latency of the last run, in nanoseconds. */
  public Histogram latencyHistogram() {
    return total;
  }

  private InetSocketAddress resolve() throws ClientException {
    return Resolver.resolve(options.host(), options.port());
  }
}
