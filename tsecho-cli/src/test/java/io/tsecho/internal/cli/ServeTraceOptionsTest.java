package io.tsecho.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code serve --trace} and {@code --log-format}, parsed without starting a server. */
class ServeTraceOptionsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine commandLine() {
    return TsechoCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private ServeCommand parse(String... args) {
    CommandLine.ParseResult parsed = commandLine().parseArgs(args);
    return (ServeCommand) parsed.subcommand().commandSpec().userObject();
  }

  @Test
  void traceIsOffUnlessAskedFor() {
    assertThat(parse("serve").config().trace()).isFalse();
    assertThat(parse("serve", "--trace").config().trace()).isTrue();
  }

  @Test
  void logFormatIsTextByDefaultAndAcceptsJsonInAnyCase() {
    assertThat(parse("serve").logFormat).isEqualTo(LogFormat.TEXT);
    assertThat(parse("serve", "--log-format", "json").logFormat).isEqualTo(LogFormat.JSON);
    assertThat(parse("serve", "--log-format", "JSON").logFormat).isEqualTo(LogFormat.JSON);
  }

  @Test
  void anUnknownLogFormatIsOneLineAndExitCodeTwo() {
    assertThat(commandLine().execute("serve", "--log-format", "xml")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).isEqualTo("tsecho: Invalid value for option '--log-format': 'xml' is not a log format;"
        + " use text or json\nTry 'tsecho serve --help' for more information.\n");
  }

  @Test
  void helpListsBothOptions() {
    assertThat(commandLine().execute("serve", "--help")).isZero();
    assertThat(out.toString()).contains("--trace", "--log-format=FORMAT");
  }
}
