package io.tsecho.internal.cli;

import io.tsecho.internal.client.bench.BenchReport;
import io.tsecho.internal.client.bench.LatencyPlot;
import io.tsecho.internal.client.bench.ShardMerge;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tsecho bench merge}: the report of a run shared by several bench shards, from their logs. */
@Command(
    name = "merge",
    mixinStandardHelpOptions = true,
    versionProvider = TsechoCommand.Version.class,
    sortOptions = false,
    description = {
      "Add the --hdr-log files of the shards of one bench run (--shard I/N) into the report of the whole run.",
      "Latency histograms are added interval by interval, never their percentiles averaged; requests, bytes and"
          + " errors are summed over the window the shards measured together. Logs of different runs, a shard"
          + " given twice or one missing are refused (exit 2)."
    })
final class BenchMergeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "The --hdr-log of each shard.")
  List<Path> files;

  @Option(names = "--json", description = "Print one JSON report instead of lines.")
  boolean json;

  @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw latency by percentile into a PNG.")
  Path plot;

  @Override
  public Integer call() throws Exception {
    ShardMerge.Merged merged = ShardMerge.of(files);
    BenchReport report = merged.report();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(report.json());
    } else {
      report.lines().forEach(out::println);
    }
    out.flush();
    if (plot != null) {
      LatencyPlot.write(merged.latencyNanos(), "tsecho bench " + report.target() + ", " + merged.shards()
          + " shard(s) merged", plot);
    }
    return report.failed() ? ExitCodes.BENCH_ERRORS : ExitCodes.OK;
  }
}
