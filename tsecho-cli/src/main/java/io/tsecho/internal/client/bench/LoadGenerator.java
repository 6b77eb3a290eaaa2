package io.tsecho.internal.client.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.uring.IoUring;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.tsecho.config.Transport;
import io.tsecho.internal.client.ClientException;
import io.tsecho.internal.client.ClientFailure;
import io.tsecho.internal.client.ConnectOptions;
import io.tsecho.internal.client.Connector;
import io.tsecho.internal.client.Resolver;
import io.tsecho.internal.client.bench.LoopStats.Counts;
import io.tsecho.internal.client.bench.LoopStats.Histograms;
import io.tsecho.internal.client.bench.LoopStats.Snapshot;
import io.tsecho.internal.metrics.LatencySummary;
import io.tsecho.internal.net.Addresses;
import io.tsecho.internal.net.ProxyHeader;
import io.tsecho.internal.net.Transports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * Runs a load against a server: opens every connection, warms up, measures for a duration or a
 * number of requests, drains, and reports. Each second it gathers what every event loop recorded
 * and hands the interval to an observer (for a live line or an HdrHistogram log).
 */
public final class LoadGenerator {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  /** How often each loop gives up on requests past their time-out. */
  private static final long EXPIRY_TICK_MILLIS = 20;
  /** How often the main thread looks for Ctrl-C while it waits for {@code --start-at}. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /**
   * What a second of the run looked like, in nanoseconds: measured latencies, warm-up latencies
   * (for a live line), and at a fixed rate the generator's own send lag. The histograms are the
   * generator's, reused each second: read them during the call.
   */
  public record Interval(double elapsedSeconds, boolean measuring, Histogram latencyNanos, Histogram warmupNanos,
      Histogram sendLagNanos, long errors) {}

  /** The name of a connection's TLS stage. */
  private static final String TLS = "tls";
  /**
   * Where a TLS connection's load connection will be, until its handshake is done: the handshake's
   * failure is read from its future, not from the pipeline.
   */
  @Sharable
  private static final class AwaitingHandshake extends ChannelInboundHandlerAdapter {
    static final AwaitingHandshake INSTANCE = new AwaitingHandshake();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private final BenchOptions options;
  private final ConnectOptions connect;
  private final LongSupplier clock;
  private volatile boolean stopRequested;
  private volatile BenchRun current;
  private Histogram total;
  private Instant startAt;

  public LoadGenerator(BenchOptions options) {
    this(options, ConnectOptions.PLAIN, System::nanoTime);
  }

  /** @param connect over TCP, the PROXY header each connection sends first */
  public LoadGenerator(BenchOptions options, ConnectOptions connect) {
    this(options, connect, System::nanoTime);
  }

  /** @param clock a {@code System.nanoTime()} of its own, for tests of its origin */
  LoadGenerator(BenchOptions options, ConnectOptions connect, LongSupplier clock) {
    this.options = options;
    this.connect = connect;
    this.clock = clock;
  }

  /**
   * Makes the run connect first and begin its warm-up at this instant, so that shards on several
   * machines measure the same window. Connecting past it fails the run.
   */
  public LoadGenerator startAt(Instant at) {
    this.startAt = at;
    return this;
  }

  /**
   * Stops a run early (Ctrl-C): no request starts from now on, replies still owed are waited for,
   * and the run reports what it measured. Any thread.
   */
  public void stop() {
    stopRequested = true;
    BenchRun run = current;
    if (run != null) {
      run.stop();
    }
  }

  public BenchReport run(Consumer<Interval> everySecond) throws ClientException, InterruptedException {
    List<InetSocketAddress> addresses = Resolver.resolveAll(options.host(), options.port());
    Transports transport = Transports.resolve(choose(options.transport(), options.udp(), IoUring::isAvailable));
    int threads = options.threads() > 0 ? options.threads() : NettyRuntime.availableProcessors();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("tsecho-bench", true),
        transport.ioHandlerFactory());
    try {
      return run(addresses, transport, group, everySecond);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
  }

  /**
   * The transport asked for, except that {@code auto} takes io_uring for TCP where it loads: it
   * submits a loop turn's reads and writes together, and drove the C server at 100 x 16 as fast as
   * the C load generator, where epoll reached 0.67-1.00x of it. Over UDP epoll was the faster
   * (bench/RESULTS.md), so there {@code auto} keeps its usual meaning: epoll where it loads, else NIO.
   * io_uring is probed only for {@code auto} over TCP: probing loads its native library.
   */
  static Transport choose(Transport asked, boolean udp, BooleanSupplier ioUringLoads) {
    return asked == Transport.AUTO && !udp && ioUringLoads.getAsBoolean() ? Transport.IO_URING : asked;
  }

  private BenchReport run(List<InetSocketAddress> addresses, Transports transport, EventLoopGroup group,
      Consumer<Interval> everySecond) throws ClientException, InterruptedException {
    BenchRun run = new BenchRun(options, clock);
    current = run;
    if (stopRequested) {
      run.stop();
    }
    Connections connected = connect(run, addresses, transport, group);
    String target = Addresses.describe(options.host(), connected.server);

    Map<EventLoop, List<LoadConnection>> byLoop = new LinkedHashMap<>();
    for (int i = 0; i < connected.connections.size(); i++) {
      byLoop.computeIfAbsent(connected.channels.get(i).eventLoop(), l -> new ArrayList<>())
          .add(connected.connections.get(i));
    }
    awaitStart(run);
    run.begin(run.nanoTime(), connected.connections.size());
    start(run, byLoop, connected.connections.size());

    total = LatencySummary.newNanosHistogram();
    Histogram totalSendLag = LatencySummary.newNanosHistogram();
    Gatherer gatherer = new Gatherer(run);
    Counts counts = Counts.ZERO;
    long nextReport = run.startNanos + SECOND;
    long lastReportMillis = System.currentTimeMillis();
    long drainUntil = 0;
    boolean ending = false;
    boolean allFinished;
    while (true) {
      // Asleep until the next report, the end of the time or of the drain, the end of every connection, or Ctrl-C.
      allFinished = ending
          ? run.awaitFinished(sleepNanos(run, nextReport, drainUntil))
          : run.awaitFinishedOrStopped(sleepNanos(run, nextReport, run.limited() ? nextReport : run.measureEndNanos));
      if (allFinished) {
        break;
      }
      long now = run.nanoTime();
      if (!ending && (run.stopped() || (!run.limited() && now - run.measureEndNanos >= 0))) {
        ending = true;
        if (run.stopped()) {
          byLoop.forEach((loop, mine) -> loop.execute(() -> mine.forEach(LoadConnection::stopSending)));
        }
        // Replies still owed are waited for; each loop gives up on them at the reply time-out.
        drainUntil = now + run.replyTimeoutNanos + SECOND;
      }
      if (ending && now - drainUntil >= 0) {
        break;
      }
      if (now - nextReport >= 0) {
        Gathered g = gatherer.gather();
        counts = g.counts;
        lastReportMillis = report(run, g, now, lastReportMillis, total, totalSendLag, everySecond);
        nextReport += SECOND;
      }
    }
    byLoop.forEach((loop, mine) -> loop.submit(() -> mine.forEach(LoadConnection::abandon)).awaitUninterruptibly());
    for (Channel ch : connected.channels) {
      ch.close().awaitUninterruptibly();
    }
    Gathered last = gatherer.gather();
    counts = last.counts;
    long end = run.nanoTime();
    report(run, last, end, lastReportMillis, total, totalSendLag, everySecond);

    if (!connected.connections.isEmpty() && run.tlsRefusals() == connected.connections.size() && counts.ok() == 0) {
      // Every connection's handshake passed on our side and was refused on the server's: a handshake failure.
      throw new ClientException(ClientFailure.TLS_FAILED, connect.tls().failure(run.tlsRefusal(), options.host(),
          connected.server.getPort(), options.connectTimeout()));
    }
    boolean stoppedEarly = run.stopped() && (run.limited() || run.stoppedAtNanos() - run.measureEndNanos < 0);
    Duration measured = Duration.ofNanos(Math.max(1, measuredEnd(run, last, end, allFinished, stoppedEarly)
        - run.measureStartNanos));
    return new BenchReport(target, options.udp() ? "udp" : "tcp", transport.name(), options.service().cliName(),
        options.connections(), options.depth(), options.size(), options.rate(), measured, counts.ok(),
        counts.bytesSent(), counts.bytesReceived(), counts.wrong(), counts.missing(), counts.extra(), counts.late(),
        connected.failed, counts.connectionsLost(), LatencySummary.of(total),
        options.rate() > 0 ? LatencySummary.of(totalSendLag) : null, stoppedEarly, last.instances);
  }

  /** How long the main thread may sleep: until the next report or {@code deadline}, whichever comes first. */
  private static long sleepNanos(BenchRun run, long nextReport, long deadline) {
    long until = nextReport - deadline < 0 ? nextReport : deadline;
    return Math.max(0, until - run.nanoTime());
  }

  /** Waits, connected, for {@link #startAt}; Ctrl-C ends the wait and the run begins stopped. */
  private void awaitStart(BenchRun run) throws ClientException, InterruptedException {
    if (startAt == null) {
      return;
    }
    Instant now = Instant.now();
    if (now.isAfter(startAt)) {
      throw new ClientException(ClientFailure.TIMEOUT, "connecting took until " + now + ", past --start-at "
          + startAt + ": give the shards more time to connect");
    }
    // Never early: the wait is rounded up, and the clock read again after each sleep.
    Duration left;
    while (!(left = Duration.between(Instant.now(), startAt)).isNegative() && !left.isZero() && !run.stopped()) {
      Thread.sleep(Math.max(1, Math.min(left.toMillis() + 1, TimeUnit.NANOSECONDS.toMillis(POLL_NANOS))));
    }
  }

  /**
   * Where the measured time ends: a timed run's duration, cut short by Ctrl-C or by losing every
   * connection; an -n run's, when its last connection finished.
   */
  private static long measuredEnd(BenchRun run, Gathered last, long now, boolean allFinished, boolean stoppedEarly) {
    if (run.limited()) {
      return last.anyFinished ? last.lastFinishNanos : now;
    }
    long end = stoppedEarly ? run.stoppedAtNanos() : run.measureEndNanos;
    return allFinished && last.lastFinishNanos - end < 0 ? last.lastFinishNanos : end;
  }

  /** Every measured latency of the last run, in nanoseconds. */
  public Histogram latencyHistogram() {
    return total;
  }

  /** The connections that opened, and the address they reached. */
  private record Connections(List<LoadConnection> connections, List<Channel> channels, InetSocketAddress server,
      int failed) {}

  /**
   * Opens every connection. The first tries each address the name resolves to, as {@code tsecho
   * client} does; the others go where it got through.
   */
  private Connections connect(BenchRun run, List<InetSocketAddress> addresses, Transports transport,
      EventLoopGroup group) throws ClientException {
    List<LoadConnection> connections = new ArrayList<>();
    List<Channel> channels = new ArrayList<>();
    InetSocketAddress server = null;
    int failed = 0;
    ClientException firstFailure = null;
    for (int id = 0; id < options.connections() && !stopRequested; id++) {
      boolean opened = false;
      for (InetSocketAddress address : server != null ? List.of(server) : addresses) {
        LoadConnection connection = options.udp() ? new UdpLoadConnection(run, id) : new TcpLoadConnection(run, id);
        boolean tls = connect.tls() != null && !options.udp();
        // Over TLS, the load connection joins the pipeline once its handshake is done: a failed one is no lost
        // connection, and the run counts only connections that can carry requests.
        ChannelFuture f = bootstrap(transport, group, tls ? AwaitingHandshake.INSTANCE : connection).connect(address).awaitUninterruptibly();
        if (f.isSuccess() && connect.sendProxy() != null && !options.udp()) {
          Channel ch = f.channel(); // the header goes before any request, and before TLS: the run has not begun
          f = ch.writeAndFlush(Unpooled.wrappedBuffer(ProxyHeader.tcp(connect.sendProxy(),
              (InetSocketAddress) ch.localAddress(), (InetSocketAddress) ch.remoteAddress()))).awaitUninterruptibly();
        }
        if (f.isSuccess() && tls) {
          Future<Channel> handshake = handshake(f.channel(), address, connection);
          if (!handshake.isSuccess()) {
            f.channel().close().awaitUninterruptibly();
            if (firstFailure == null) {
              firstFailure = new ClientException(ClientFailure.TLS_FAILED, connect.tls().failure(handshake.cause(),
                  options.host(), address.getPort(), options.connectTimeout()));
            }
            server = address; // it answered: the next connections go there too, and fail or not on their own
            break;
          }
        }
        if (f.isSuccess()) {
          channels.add(f.channel());
          connections.add(connection);
          server = address;
          opened = true;
          break;
        }
        if (firstFailure == null) {
          firstFailure = f.cause() instanceof IOException
              ? Connector.classify((IOException) f.cause(), Addresses.describe(options.host(), address),
                  options.connectTimeout())
              : new ClientException(ClientFailure.CONNECTION_LOST, "cannot connect to "
                  + Addresses.describe(options.host(), address) + ": " + f.cause());
        }
      }
      if (!opened) {
        failed++;
      }
    }
    if (connections.isEmpty()) {
      throw firstFailure != null ? firstFailure : new ClientException(ClientFailure.CONNECTION_LOST,
          "no connection to " + Addresses.describe(options.host(), addresses.get(0)));
    }
    return new Connections(connections, channels, server, failed);
  }

  /**
   * Puts TLS in front of a connected channel and waits for its handshake, which the connect time-out
   * bounds. The load connection joins the pipeline the moment the handshake succeeds, on the event
   * loop: over TLS 1.3 the server's refusal can follow in the same read, and must find it there.
   */
  private Future<Channel> handshake(Channel ch, InetSocketAddress address, LoadConnection connection) {
    SslHandler tls = connect.tls().newHandler(ch.alloc(), options.host(), address.getPort());
    tls.setHandshakeTimeoutMillis(Math.max(1, options.connectTimeout().toMillis()));
    Promise<Channel> done = ch.eventLoop().newPromise();
    // A channel closed before the handshake starts never starts it: the close ends the wait instead.
    ch.closeFuture().addListener(f -> done.tryFailure(new ClosedChannelException()));
    ch.eventLoop().execute(() -> {
      try {
        ch.pipeline().addFirst(TLS, tls); // starts the handshake, which cannot end before the listener is on it
        tls.handshakeFuture().addListener(handshake -> {
          if (!handshake.isSuccess()) {
            done.tryFailure(handshake.cause());
            return;
          }
          ch.pipeline().replace(AwaitingHandshake.INSTANCE, null, connection);
          if ("TLSv1.3".equals(tls.engine().getSession().getProtocol())) {
            connection.overTls13();
          }
          done.trySuccess(ch);
        });
      } catch (RuntimeException e) {
        done.tryFailure(e);
      }
    });
    return done.awaitUninterruptibly();
  }

  private Bootstrap bootstrap(Transports transport, EventLoopGroup group, ChannelHandler connection) {
    Bootstrap b = new Bootstrap().group(group)
        .channel(options.udp() ? transport.datagramChannel() : transport.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
        .handler(connection);
    if (!options.udp()) {
      b.option(ChannelOption.TCP_NODELAY, true);
    }
    return b;
  }

  /**
   * Starts every loop's connections. An {@code -n} run shares its requests out among the
   * connections, the first ones taking one more where they do not divide evenly; at a fixed rate
   * each loop gets a {@link Pacer} for its share of the rate. One timer per loop gives up on
   * requests past their time-out.
   */
  private void start(BenchRun run, Map<EventLoop, List<LoadConnection>> byLoop, int connections) {
    long requests = options.totalRequests();
    int loopIndex = 0;
    int first = 0;
    for (Map.Entry<EventLoop, List<LoadConnection>> e : byLoop.entrySet()) {
      EventLoop loop = e.getKey();
      List<LoadConnection> mine = e.getValue();
      Pacer pacer = options.rate() > 0 ? Pacer.of(run, mine, loopIndex, connections, options.rate()) : null;
      long[] quotas = new long[mine.size()];
      for (int i = 0; i < mine.size(); i++) {
        int k = first + i;
        quotas[i] = requests / connections + (k < requests % connections ? 1 : 0);
      }
      loop.execute(() -> {
        for (int i = 0; i < mine.size(); i++) {
          mine.get(i).start(quotas[i], pacer, i);
        }
        if (pacer != null) {
          pacer.start(loop);
        }
      });
      loop.scheduleAtFixedRate(() -> {
        long now = run.nanoTime();
        for (LoadConnection c : mine) {
          c.expire(now);
        }
      }, EXPIRY_TICK_MILLIS, EXPIRY_TICK_MILLIS, TimeUnit.MILLISECONDS);
      loopIndex++;
      first += mine.size();
    }
  }

  /** What every loop recorded since the last gathering, and the counts so far. */
  private record Gathered(Histogram latency, Histogram warmup, Histogram sendLag, Counts counts, boolean anyFinished,
      long lastFinishNanos, Map<String, long[]> instances) {}

  /**
   * Takes each loop's interval, in turn, on the main thread. A loop only swaps in empty histograms;
   * merging and clearing happen here, into histograms reused each second, so nothing is allocated.
   */
  private static final class Gatherer {
    private final BenchRun run;
    /** Each loop's empty histograms for its next interval. */
    private final Map<EventLoop, Histograms> empties = new HashMap<>();
    private final Histograms merged = Histograms.empty();

    Gatherer(BenchRun run) {
      this.run = run;
    }

    /** Every loop's interval, merged: valid until the next call. */
    Gathered gather() throws InterruptedException {
      merged.reset();
      Counts counts = Counts.ZERO;
      boolean anyFinished = false;
      long lastFinish = 0;
      Map<String, long[]> instances = new java.util.TreeMap<>();
      for (Map.Entry<EventLoop, LoopStats> e : run.stats().entrySet()) {
        Histograms empty = empties.computeIfAbsent(e.getKey(), loop -> Histograms.empty());
        Future<Snapshot> f = e.getKey().submit(() -> e.getValue().snapshot(empty));
        Snapshot s;
        try {
          s = f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException ex) {
          throw new IllegalStateException("an event loop of the load generator did not answer: " + ex, ex);
        }
        merged.latency().add(s.latency());
        merged.warmupLatency().add(s.warmupLatency());
        merged.sendLag().add(s.sendLag());
        empties.put(e.getKey(), s.histograms().reset());
        counts = counts.plus(s.counts());
        Instances.merge(instances, s.instances());
        if (s.anyFinished() && (!anyFinished || s.lastFinishNanos() - lastFinish > 0)) {
          lastFinish = s.lastFinishNanos();
        }
        anyFinished |= s.anyFinished();
      }
      return new Gathered(merged.latency(), merged.warmupLatency(), merged.sendLag(), counts, anyFinished, lastFinish,
          instances);
    }
  }

  /** Adds an interval to the totals and hands it on; returns its end in wall-clock milliseconds. */
  private static long report(BenchRun run, Gathered g, long nowNanos, long startMillis, Histogram total,
      Histogram totalSendLag, Consumer<Interval> everySecond) {
    long nowMillis = System.currentTimeMillis();
    for (Histogram h : new Histogram[] {g.latency, g.warmup, g.sendLag}) {
      h.setStartTimeStamp(startMillis);
      h.setEndTimeStamp(nowMillis);
    }
    total.add(g.latency);
    totalSendLag.add(g.sendLag);
    everySecond.accept(new Interval((nowNanos - run.startNanos) / 1e9, run.measured(nowNanos), g.latency, g.warmup,
        g.sendLag, g.counts.errors()));
    return nowMillis;
  }
}
