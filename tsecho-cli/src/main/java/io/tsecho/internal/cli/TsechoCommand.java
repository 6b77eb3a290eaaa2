package io.tsecho.internal.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tsecho}: the top-level command; it only dispatches to its subcommands. */
@Command(
    name = "tsecho",
    mixinStandardHelpOptions = true,
    versionProvider = TsechoCommand.Version.class,
    description = "A fast, safe TCP timestamp and echo server, and its client.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:unexpected error",
      "2:bad command line or option value",
      "3:connection refused",
      "4:unknown host",
      "5:network or host unreachable",
      "6:timed out (connect or reply)",
      "7:connection lost or closed before every reply",
      "8:address already in use",
      "9:permission denied (e.g. a port below 1024)",
      "10:cannot listen on that address",
      "11:some UDP datagrams got no reply",
      "12:bench saw wrong, missing, extra or late replies, or lost connections",
      "13:the TLS handshake failed (client, ping, bench with --tls)",
    })
public final class TsechoCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: serve, client, ping or bench");
  }

  /**
   * The commands, in the order of the help. Each is added by hand rather than named in the
   * annotation, so that a run of one command builds only its model: picocli builds a model by
   * reflection, and building all of them added about 0.1 s to the time {@code tsecho serve} takes
   * to listen.
   */
  private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("serve", ServeCommand::new);
    COMMANDS.put("client", ClientCommand::new);
    COMMANDS.put("ping", PingCommand::new);
    COMMANDS.put("bench", BenchCommand::new);
    COMMANDS.put("help", CommandLine.HelpCommand::new);
  }

  /** Builds the command line with every command and tsecho's error handling; tests call this with their own writers. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return commandLine(out, err, COMMANDS.keySet());
  }

  /**
   * Builds the command line for these arguments: only the command they start with, when they start
   * with one other than {@code help}; every command otherwise, for the help and picocli's "did you
   * mean".
   */
  public static CommandLine commandLineFor(String[] args, PrintWriter out, PrintWriter err) {
    boolean oneCommand = args.length > 0 && COMMANDS.containsKey(args[0]) && !args[0].equals("help");
    return commandLine(out, err, oneCommand ? Set.of(args[0]) : COMMANDS.keySet());
  }

  private static CommandLine commandLine(PrintWriter out, PrintWriter err, Set<String> names) {
    CommandLine cl = new CommandLine(new TsechoCommand());
    for (String name : names) {
      cl.addSubcommand(name, COMMANDS.get(name).get());
    }
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(TsechoCommand::usageError);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("tsecho: " + ExitCodes.message(e));
      commandLine.getErr().flush();
      return ExitCodes.of(e);
    });
    return cl;
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("tsecho: " + e.getMessage());
    if (cl.getParent() == null) { // a mistyped command; picocli's guesses at options are less apt
      CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    }
    err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCodes.USAGE;
  }

  /** The version stamped into the jar by the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = TsechoCommand.class.getResourceAsStream("/io/tsecho/version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {
        "tsecho " + p.getProperty("version", "unknown"),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }
}
