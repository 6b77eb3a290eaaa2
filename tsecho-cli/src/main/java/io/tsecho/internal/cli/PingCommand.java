package io.tsecho.internal.cli;

import io.tsecho.config.ClientConfig;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.internal.client.ClientException;
import io.tsecho.internal.client.ClientFailure;
import io.tsecho.internal.client.ping.PingFormat;
import io.tsecho.internal.client.ping.PingOptions;
import io.tsecho.internal.client.ping.PingReport;
import io.tsecho.internal.client.ping.Pinger;
import io.tsecho.internal.client.ping.ProbeResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tsecho ping}: round-trip time and the server's clock offset, probe by probe, then a summary. */
@Command(
    name = "ping",
    mixinStandardHelpOptions = true,
    versionProvider = TsechoCommand.Version.class,
    sortOptions = false,
    description = {
      "Send a probe every interval to a timestamp server and print the round trip and the server's "
          + "clock offset (its stamp minus the midpoint of send and receive, ± half the round trip and "
          + "half the stamp's resolution).",
      "At the end (count reached or Ctrl-C): counts, round-trip statistics and the best offset "
          + "estimate, from the probe with the smallest round trip, as NTP does.",
      "With --service echo it measures round trips to any RFC 862 echo server."
    })
final class PingCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "HOST", description = "Server name or address.")
  String host;

  @Parameters(index = "1", arity = "0..1", defaultValue = "" + ServerConfig.DEFAULT_PORT, paramLabel = "PORT",
      description = "Server port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = {"-i", "--interval"}, defaultValue = "1s", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "Time between probes (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(names = {"-c", "--count"}, defaultValue = "0", paramLabel = "N",
      description = "Stop after N probes; 0 runs until Ctrl-C (default: ${DEFAULT-VALUE}).")
  long count;

  @Option(names = {"-W", "--timeout"}, defaultValue = "2s", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "How long a probe waits for its reply before it counts as lost (default: ${DEFAULT-VALUE}).")
  Duration replyTimeout;

  @Option(names = "--connect-timeout", defaultValue = "5s", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "Give up connecting after this long (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(names = "--udp", description = "Probe with datagrams instead of one TCP connection.")
  boolean udp;

  @Option(names = "--service", defaultValue = "stamp", paramLabel = "NAME",
      description = "stamp, or echo for any RFC 862 server: round trips only (default: ${DEFAULT-VALUE}).")
  String service;

  @Option(names = "--zone", converter = Converters.Zone.class, paramLabel = "ZONE",
      description = "Zone to read ctime stamps in, which carry none (default: this machine's).")
  ZoneId zone;

  @Mixin ConnectMixin connect;

  @Option(names = "--json", description = "Print one JSON report at the end instead of lines.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PingOptions options = new PingOptions(new ClientConfig(host, port, connectTimeout, replyTimeout), udp,
        Service.parse(service), interval, count, replyTimeout, zone != null ? zone : ZoneId.systemDefault());
    PrintWriter out = spec.commandLine().getOut();
    AtomicBoolean stop = new AtomicBoolean();
    Signals.onTermination(() -> stop.set(true));
    PingReport report = new Pinger(options, connect.options(udp, null)).run(stop::get, new Pinger.Listener() {
      @Override
      public void connected(String server) {
        if (!json) {
          out.println("TSECHO PING " + server + " over " + (udp ? "udp" : "tcp") + " (" + options.service().cliName()
              + " service)");
          out.flush();
        }
      }

      @Override
      public void probe(ProbeResult probe) {
        if (!json) {
          out.println(PingFormat.line(probe));
          out.flush();
        }
      }
    });
    if (json) {
      out.println(report.json());
    } else {
      out.println();
      report.lines().forEach(out::println);
    }
    out.flush();
    if (report.received() == 0) {
      throw new ClientException(ClientFailure.TIMEOUT, "no reply from " + report.target());
    }
    return ExitCodes.OK;
  }
}
