package io.tsecho.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Judges a finished soak run from the files in its directory and writes summary.md and samples.png.
 * It fails the run on any wrong, missing, extra or late reply, lost connection or stalled
 * connection left open; on a server that died, logged a warning or a leak, or did not exit 0 on
 * SIGTERM; and when RSS, direct memory or open descriptors keep growing after the settling time
 * (see {@link Trend}; the limits are below). Heap after GC, all of NMT and threads are reported only.
 */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Judge a finished soak run and summarize it.")
final class ReportCommand implements Callable<Integer> {
  private static final double MIB = 1024;

  /**
   * Growth limits, per minute after settling, and margins above the settling time's maximum. A
   * server that kept each connection's first read buffer (about 50 new connections a second) grew
   * by 6 MiB a minute in direct memory and in RSS; once settled, the 12-minute run of the sound
   * server moved 0.2 MiB in RSS, nothing in direct memory, and between 59 and 64 descriptors
   * (bench/RESULTS.md, "Soak").
   */
  static final double RSS_SLOPE_MIB = 1;
  static final double RSS_MARGIN_MIB = 16;
  static final double DIRECT_SLOPE_MIB = 0.5;
  static final double DIRECT_MARGIN_MIB = 8;
  static final double FD_SLOPE = 0.5;
  static final double FD_MARGIN = 10;

  @Parameters(paramLabel = "DIR", description = "The run's directory.")
  Path dir;

  @Option(names = "--settle", defaultValue = "5m", converter = DurationConverter.class,
      description = "Growth before this is the server settling, not a leak (default: ${DEFAULT-VALUE}).")
  Duration settle;

  private final List<String> failures = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    List<Sample> samples = readSamples();
    double settleSeconds = settle.toSeconds();
    double[] seconds = samples.stream().mapToDouble(Sample::seconds).toArray();
    double[] rss = column(samples, Sample::rssKib, MIB);
    double[] heap = column(samples, Sample::heapKib, MIB);
    double[] direct = column(samples, Sample::directKib, MIB);
    double[] nmt = column(samples, Sample::nmtKib, MIB);
    double[] fds = column(samples, Sample::fds, 1);
    double[] threads = column(samples, Sample::threads, 1);
    List<Trend> judged = List.of(
        Trend.of("RSS (MiB)", seconds, rss, settleSeconds, RSS_SLOPE_MIB, RSS_MARGIN_MIB),
        Trend.of("direct memory, NMT \"Other\" (MiB)", seconds, direct, settleSeconds, DIRECT_SLOPE_MIB, DIRECT_MARGIN_MIB),
        Trend.of("open file descriptors", seconds, fds, settleSeconds, FD_SLOPE, FD_MARGIN));
    List<Trend> reported = List.of(
        Trend.of("heap after GC (MiB)", seconds, heap, settleSeconds, Double.NaN, Double.NaN),
        Trend.of("all memory NMT tracks, committed (MiB)", seconds, nmt, settleSeconds, Double.NaN, Double.NaN),
        Trend.of("threads", seconds, threads, settleSeconds, Double.NaN, Double.NaN));
    for (Trend t : judged) {
      if (!t.judgeable()) {
        failures.add(t.measure() + ": fewer than " + Trend.MIN_POINTS + " samples after the settling time; run longer");
      } else if (t.growing()) {
        failures.add(String.format(Locale.ROOT, "%s keeps growing: %+.2f per minute after %s, and the last three samples"
            + " at least %.1f against %.1f at most while settling", t.measure(), t.slopePerMinute(),
            minutes(settleSeconds), t.lastLow(), t.settledMax()));
      }
    }
    List<ClientRow> clients = readClients();
    for (ClientRow c : clients) {
      if (c.errors() > 0) {
        failures.add(String.format(Locale.ROOT, "%s: %d wrong, %d missing, %d extra, %d late replies; %d connect failures,"
            + " %d connections lost, %d not closed in time", c.client(), c.wrong(), c.missing(), c.extra(), c.late(),
            c.connectFailures(), c.lost(), c.notClosed()));
      }
    }
    String runEnd = readOr(dir.resolve("run-end.txt"), "run-end.txt missing: the soak's clients did not finish").trim();
    if (!runEnd.startsWith("completed")) {
      failures.add(runEnd);
    }
    ServerLog log = Files.exists(dir.resolve("server.log")) ? ServerLog.read(dir.resolve("server.log")) : null;
    if (log == null) {
      failures.add("server.log missing");
    } else if (log.warnings() + log.leaks() > 0) {
      failures.add("the server logged " + log.warnings() + " warnings or errors and " + log.leaks() + " leaks");
    }
    String serverExit = readOr(dir.resolve("server.rc"), "unknown").trim();
    if (!serverExit.equals("0")) {
      failures.add("the server did not exit 0 on SIGTERM: " + serverExit);
    }

    SamplePlot.write(dir.resolve("samples.png"), "tsecho soak", seconds, List.of(
        new SamplePlot.Panel("RSS", "MiB", rss),
        new SamplePlot.Panel("heap after GC", "MiB", heap),
        new SamplePlot.Panel("direct memory (NMT Other)", "MiB", direct),
        new SamplePlot.Panel("open file descriptors", "descriptors", fds)), settleSeconds);
    String summary = summary(clients, judged, reported, log, serverExit, settleSeconds);
    Files.writeString(dir.resolve("summary.md"), summary, StandardCharsets.UTF_8);
    System.out.print(summary);
    return failures.isEmpty() ? 0 : 1;
  }

  private List<Sample> readSamples() throws IOException {
    List<Sample> samples = new ArrayList<>();
    Path csv = dir.resolve("samples.csv");
    if (!Files.exists(csv)) {
      failures.add("samples.csv missing");
      return samples;
    }
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      if (!line.isBlank()) {
        samples.add(Sample.parse(line));
      }
    }
    return samples;
  }

  /** The run's own clients, then each bench-NAME.json with its exit code in bench-NAME.rc. */
  private List<ClientRow> readClients() throws IOException {
    List<ClientRow> rows = new ArrayList<>();
    Path csv = dir.resolve("clients.csv");
    if (Files.exists(csv)) {
      List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        rows.add(ClientRow.parse(line));
      }
    } else {
      failures.add("clients.csv missing: the soak's clients did not finish");
    }
    List<Path> reports = new ArrayList<>();
    try (DirectoryStream<Path> benches = Files.newDirectoryStream(dir, "bench-*.json")) {
      benches.forEach(reports::add);
    }
    reports.sort(null);
    for (Path json : reports) {
      String name = json.getFileName().toString().replaceAll("^bench-|\\.json$", "");
      String rc = readOr(dir.resolve("bench-" + name + ".rc"), "unknown").trim();
      String text = Files.readString(json, StandardCharsets.UTF_8);
      if (!text.contains("\"ok\":")) {
        failures.add("bench " + name + " wrote no report (exit code " + rc + "; see bench-" + name + ".err)");
        continue;
      }
      ClientRow row = ClientRow.fromBench("bench " + name, text, String.format(Locale.ROOT,
          "%.0f requests/s; latency p99 %.1f ms, max %.1f ms", number(text, "requests_per_s"),
          number(text, "p99_us") / 1e3, number(text, "max_us") / 1e3));
      rows.add(row);
      if (!rc.equals("0") && row.errors() == 0) {
        failures.add("bench " + name + " exited " + rc);
      }
    }
    return rows;
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":([0-9.]+)").matcher(json);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private static String readOr(Path file, String otherwise) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : otherwise;
  }

  private static double[] column(List<Sample> samples, ToLongFunction<Sample> field, double divisor) {
    return samples.stream().mapToDouble(s -> field.applyAsLong(s) < 0 ? Double.NaN : field.applyAsLong(s) / divisor)
        .toArray();
  }

  private static String minutes(double seconds) {
    return seconds % 60 == 0 ? String.format(Locale.ROOT, "%.0f min", seconds / 60)
        : String.format(Locale.ROOT, "%.0f s", seconds);
  }

  private String summary(List<ClientRow> clients, List<Trend> judged, List<Trend> reported, ServerLog log,
      String serverExit, double settleSeconds) throws IOException {
    StringBuilder s = new StringBuilder();
    s.append("# Soak ").append(dir.getFileName()).append("\n\n");
    String run = readOr(dir.resolve("run.txt"), "");
    for (String line : run.split("\n")) {
      if (!line.isBlank()) {
        s.append("- ").append(line).append('\n');
      }
    }
    s.append("\n| client | connections | requests | right | wrong | missing | extra | late | connect failures | lost"
        + " | not closed in time | closed at the server's time-out | note |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (ClientRow c : clients) {
      s.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s |\n",
          c.client(), c.connections(), c.requests(), c.ok(), c.wrong(), c.missing(), c.extra(), c.late(),
          c.connectFailures(), c.lost(), c.notClosed(), c.closedByServer(), c.note()));
    }
    String after = minutes(settleSeconds);
    s.append("\n| server | first sample | max while settling (").append(after).append(") | last | slope after ")
        .append(after).append(", per min | growing when the slope is above, and the last 3 samples above the max by | verdict |\n");
    s.append("|---|---:|---:|---:|---:|---|---|\n");
    for (Trend t : judged) {
      s.append(trendRow(t, t.growing() ? "**growing**" : t.judgeable() ? "steady" : "**not judged**",
          String.format(Locale.ROOT, "%.1f, %.0f", t.slopeLimit(), t.margin())));
    }
    for (Trend t : reported) {
      s.append(trendRow(t, "reported only", ""));
    }
    if (log != null) {
      s.append("\nConnections the server closed, by reason: ");
      List<String> reasons = new ArrayList<>();
      for (Map.Entry<String, Long> e : log.closeReasons().entrySet()) {
        reasons.add(e.getKey() + " " + e.getValue());
      }
      s.append(reasons.isEmpty() ? "none logged" : String.join(", ", reasons)).append(".\n");
      for (String line : log.examples()) {
        s.append("\n    ").append(line);
      }
    }
    s.append("\nServer exit code after SIGTERM: ").append(serverExit).append(".\n");
    s.append("\n**").append(failures.isEmpty() ? "PASS" : "FAIL").append("**\n");
    for (String f : failures) {
      s.append("- ").append(f).append('\n');
    }
    return s.toString();
  }

  private static String trendRow(Trend t, String verdict, String limits) {
    return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %+.2f | %s | %s |\n", t.measure(), t.first(),
        t.settledMax(), t.last(), t.slopePerMinute(), limits, verdict);
  }
}
