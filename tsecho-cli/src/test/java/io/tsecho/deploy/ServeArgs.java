package io.tsecho.deploy;

import io.tsecho.internal.cli.TsechoCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The options of {@code tsecho serve} as a unit file or a manifest passes them, parsed by tsecho's
 * own command line: a flag it does not know, or a bad value, throws.
 */
final class ServeArgs {
  private final ParseResult serve;

  private ServeArgs(ParseResult serve) {
    this.serve = serve;
  }

  /** {@code args} are what follows {@code serve}. */
  static ServeArgs parse(List<String> args) {
    StringWriter sink = new StringWriter();
    CommandLine cl = TsechoCommand.commandLine(new PrintWriter(sink), new PrintWriter(sink));
    List<String> all = new ArrayList<>(List.of("serve"));
    all.addAll(args);
    ParseResult parsed = cl.parseArgs(all.toArray(new String[0]));
    if (!parsed.hasSubcommand() || !"serve".equals(parsed.subcommand().commandSpec().name())) {
      throw new AssertionError("not a serve command line: " + all);
    }
    return new ServeArgs(parsed.subcommand());
  }

  Duration drainDelay() {
    return serve.matchedOptionValue("--drain-delay", Duration.ZERO);
  }

  /** The port of --admin ADDRESS:PORT; the option must be there. */
  int adminPort() {
    String admin = serve.matchedOptionValue("--admin", null);
    if (admin == null) {
      throw new AssertionError("no --admin");
    }
    return Integer.parseInt(admin.substring(admin.lastIndexOf(':') + 1));
  }

  int port() {
    return serve.matchedOptionValue("--port", 21566);
  }

  boolean udp() {
    return serve.hasMatchedOption("--udp");
  }

  boolean noTcp() {
    return serve.hasMatchedOption("--no-tcp");
  }

  List<String> listen() {
    return serve.matchedOptionValue("--listen", List.of());
  }
}
