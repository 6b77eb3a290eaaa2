package io.tsecho.soak;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The soak test's own clients, sampler and judge. {@code bench/soak.sh} starts the server and the
 * {@code tsecho bench} loads around them: {@code run} drives the churn, slow-reader and stalling
 * clients and samples the server; {@code report} judges a finished run's files.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, subcommands = {RunCommand.class, ReportCommand.class},
    description = "Soak test of a tsecho server; normally started by bench/soak.sh.")
public final class Soak implements Runnable {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Soak()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
