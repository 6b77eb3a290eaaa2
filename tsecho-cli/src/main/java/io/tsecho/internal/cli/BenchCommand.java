package io.tsecho.internal.cli;

import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import io.tsecho.internal.client.bench.BenchOptions;
import io.tsecho.internal.client.bench.BenchReport;
import io.tsecho.internal.client.bench.LatencyPlot;
import io.tsecho.internal.client.bench.LoadGenerator;
import io.tsecho.internal.client.bench.LoadGenerator.Interval;
import io.tsecho.internal.client.bench.Shard;
import io.tsecho.internal.client.bench.ShardLog;
import io.tsecho.internal.client.bench.ShardSettings;
import io.tsecho.internal.client.bench.StartAt;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tsecho bench}: a load generator that checks every reply. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = TsechoCommand.Version.class,
    sortOptions = false,
    subcommands = BenchMergeCommand.class,
    description = {
      "Load a timestamp or echo server and measure it.",
      "Every reply is checked: one per request, in order per connection, carrying its request's "
          + "payload; wrong, missing, extra and late replies are counted by kind and make the exit code 12.",
      "With --rate, requests leave on a fixed schedule and latency counts from when each was meant "
          + "to leave, so a stalled server is not hidden; the report adds the generator's own send lag.",
      "Ctrl-C stops the run and prints the report of what it measured.",
      "Several bench processes share one load with --shard I/N and --start-at; 'tsecho bench merge' adds their"
          + " --hdr-log files into the report of the whole run."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Optional to picocli so that 'bench merge' needs no host; call() requires it.
  @Parameters(index = "0", arity = "0..1", paramLabel = "HOST", description = "Server name or address.")
  String host;

  @Parameters(index = "1", arity = "0..1", defaultValue = "" + ServerConfig.DEFAULT_PORT, paramLabel = "PORT",
      description = "Server port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = {"-c", "--connections"}, defaultValue = "10", paramLabel = "N",
      description = "Connections (UDP sockets with --udp) (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = {"-d", "--depth"}, defaultValue = "1", paramLabel = "N",
      description = "Requests in flight per connection: pipelining (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--size", defaultValue = "64", converter = Converters.Size.class, paramLabel = "BYTES",
      description = "Bytes per request, newline included; at least 18 (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = {"-t", "--duration"}, defaultValue = "10s", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "How long to measure (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = {"-n", "--requests"}, defaultValue = "0", paramLabel = "N",
      description = "Send exactly N requests after the warm-up instead of running for a duration.")
  long requests;

  @Option(names = "--warmup", defaultValue = "1s", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "Load before measuring, not counted (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--rate", defaultValue = "0", paramLabel = "R",
      description = "Requests per second across all connections, at a constant pace; 0 is a closed loop"
          + " where each reply sends the next (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--udp", description = "Datagrams instead of TCP connections.")
  boolean udp;

  @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
      description = "Event-loop threads; 0 means one per core (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--timeout", defaultValue = "5s", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "A request unanswered this long counts as missing (default: ${DEFAULT-VALUE}).")
  Duration replyTimeout;

  @Option(names = "--connect-timeout", defaultValue = "5s", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "Give up connecting after this long (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(names = "--service", defaultValue = "stamp", paramLabel = "NAME",
      description = "stamp (replies are '[stamp] ' + request) or echo (replies are the request) (default: ${DEFAULT-VALUE}).")
  String service;

  @Option(names = "--transport", defaultValue = "auto", converter = Converters.TransportName.class, paramLabel = "NAME",
      description = "auto, epoll, nio or io_uring (default: ${DEFAULT-VALUE}: io_uring for TCP where it loads, else"
          + " epoll where it loads, else nio).")
  Transport transport;

  @Mixin ConnectMixin connect;

  @Option(names = "--json", description = "Print one JSON report instead of lines.")
  boolean json;

  @Option(names = "--hdr-log", paramLabel = "FILE",
      description = "Write each second's latency histogram (nanoseconds) in HdrHistogram's log format.")
  Path hdrLog;

  @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw latency by percentile into a PNG.")
  Path plot;

  @Option(names = "--shard", paramLabel = "I/N",
      description = "Run shard I of N (from 0) of the load: its part of --connections, --rate and -n, the lowest"
          + " indices taking one more where they do not divide. N alone takes I from $" + Shard.INDEX_VARIABLE
          + " (Kubernetes' Indexed Jobs). Merge the shards' --hdr-log files with 'tsecho bench merge'.")
  String shard;

  @Option(names = "--start-at", paramLabel = "TIME",
      description = "Connect, then begin the warm-up at this instant (2026-11-25T20:00:00Z) or this long from now"
          + " (+30s), so that every shard measures the same window.")
  String startAt;

  @Override
  public Integer call() throws Exception {
    if (host == null) {
      throw new ParameterException(spec.commandLine(), "Missing required parameter: 'HOST'");
    }
    Shard part = shard == null ? Shard.ALONE : Shard.parse(shard, System.getenv());
    Instant start = startAt == null ? null : StartAt.parse(startAt, Clock.systemUTC());
    BenchOptions total = new BenchOptions(host, port, connections, depth, size, duration, requests, warmup, udp, rate,
        threads, replyTimeout, connectTimeout, Service.parse(service), transport);
    BenchOptions options = part.of(total);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean live = !json && Terminals.isInteractive() && System.getenv("CI") == null;
    ShardLog log = hdrLog == null ? null : ShardLog.create(hdrLog, ShardSettings.of(total, part, start),
        start != null ? start.toEpochMilli() : System.currentTimeMillis());
    LeakDetection.offUnlessAsked();
    LoadGenerator generator = new LoadGenerator(options, connect.options(udp, null)).startAt(start);
    Signals.onTermination(generator::stop); // Ctrl-C ends the run with the report of what it measured
    BenchReport report;
    try {
      report = generator.run(interval -> {
        if (log != null) {
          log.interval(interval, options.rate() > 0);
        }
        if (live) {
          err.print(liveLine(interval));
          err.flush();
        }
      });
      if (log != null) {
        log.finish(report);
      }
    } finally {
      if (log != null) {
        log.close();
      }
    }
    if (live) {
      err.println();
    }
    if (json) {
      out.println(report.json());
    } else {
      report.lines().forEach(out::println);
    }
    out.flush();
    if (plot != null) {
      LatencyPlot.write(generator.latencyHistogram(), "tsecho bench " + report.target(), plot);
    }
    return report.failed() ? ExitCodes.BENCH_ERRORS : ExitCodes.OK;
  }

  private static String liveLine(Interval i) {
    Histogram shown = i.measuring() ? i.latencyNanos() : i.warmupNanos();
    return String.format(Locale.ROOT, "\r%5.0f s %s %10d req/s   p50 %8.1f µs   p99 %8.1f µs   errors %d   ",
        i.elapsedSeconds(), i.measuring() ? "         " : "(warm-up)", shown.getTotalCount(),
        shown.getValueAtPercentile(50) / 1e3, shown.getValueAtPercentile(99) / 1e3, i.errors());
  }
}
