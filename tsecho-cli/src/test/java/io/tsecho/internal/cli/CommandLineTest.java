package io.tsecho.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line, black-box: exit codes and the text users see, without starting a server. */
class CommandLineTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return TsechoCommand.commandLineFor(args, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void aRunOfOneCommandBuildsOnlyThatCommand() {
    String[] args = {"serve", "--port", "0"};
    assertThat(TsechoCommand.commandLineFor(args, new PrintWriter(out), new PrintWriter(err)).getSubcommands())
        .containsOnlyKeys("serve");
    assertThat(TsechoCommand.commandLineFor(new String[] {"help", "serve"}, new PrintWriter(out), new PrintWriter(err))
        .getSubcommands()).containsOnlyKeys("serve", "client", "ping", "bench", "help");
  }

  @Test
  void helpOfOneCommandShowsItsUsage() {
    assertThat(run("help", "ping")).isZero();
    assertThat(out.toString()).startsWith("Usage: tsecho ping ");
  }

  @Test
  void aMistypedCommandGetsTheNearestName() {
    assertThat(run("serv")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).isEqualTo("tsecho: Unmatched argument at index 0: 'serv'\n"
        + "Did you mean: tsecho serve?\n"
        + "Try 'tsecho --help' for more information.\n");
  }

  @Test
  void helpListsEveryServeOptionAndExitsZero() {
    assertThat(run("serve", "--help")).isZero();
    assertThat(out.toString()).contains("--host", "--port", "--backlog", "--framing", "--buffer-size", "--max-line",
        "--time-format", "--zone", "--[no-]tcp-nodelay", "--keepalive", "--rcvbuf", "--sndbuf", "--transport",
        "--threads", "--idle-timeout", "--partial-delay", "--max-connections", "--quiet", "--verbose");
  }

  @Test
  void helpListsTheAdminOptions() {
    assertThat(run("serve", "--help")).isZero();
    assertThat(out.toString()).contains("--admin=ADDRESS:PORT", "--drain-delay=DURATION");
  }

  @Test
  void topLevelHelpShowsTheExitCodeTable() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Exit codes:", "  3    connection refused", "  8    address already in use");
  }

  @Test
  void versionNamesTsechoAndJava() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("tsecho ").contains("Java ");
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(run()).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).isEqualTo(
        "tsecho: a command is required: serve, client, ping or bench\nTry 'tsecho --help' for more information.\n");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "--admin 9090                | admin address '9090' needs a port, as ADDRESS:PORT (e.g. 127.0.0.1:9090)",
    "--admin ::1:9090            | admin address '::1:9090': write an IPv6 address in brackets, as [::1]:9090",
    "--admin 127.0.0.1:http      | admin address '127.0.0.1:http': port 'http' is not a number",
    "--admin 127.0.0.1:70000     | admin port must be between 0 and 65535, got 70000",
    "--admin :9090               | admin address ':9090': the address is empty; use * for every address",
    "--drain-delay 2h            | drain delay must be between 0 and 1 h, got 7200000 ms",
    "--drain-delay soon          | 'soon' is not a duration",
  })
  void aBadAdminValueIsOneClearLineAndExitCodeTwo(String args, String message) {
    assertThat(run(("serve " + args).split(" "))).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains(message).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(err.toString().lines().count()).isLessThanOrEqualTo(2);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "--port 70000            | port must be between 0 and 65535, got 70000",
    "--port abc              | Invalid value for option '--port': 'abc' is not an int",
    "--framing words         | 'words' is not a framing; use auto, line or raw",
    "--time-format HH:mm:bb  | bad time format 'HH:mm:bb'",
    "--zone Mars/Olympus     | 'Mars/Olympus' is not a time zone",
    "--max-line 12q          | '12q' is not a size",
    "--idle-timeout soon     | 'soon' is not a duration",
    "--backlog 0             | backlog must be between 1 and 65535, got 0",
    "--max-connections 0     | max connections must be between 1 and 10000000, got 0",
    "--transport carrier     | 'carrier' is not a transport; use auto, epoll, nio or io_uring",
    "--partial-delay 11s     | partial delay must be between 0 and 10 s",
    "--frobnicate            | Unknown option: '--frobnicate'",
    "--no-tcp                | nothing to serve: --no-tcp needs --udp, or give a --listen",
    "--service chargen       | 'chargen' is not a service; use stamp, echo, daytime, time or whoami",
    "--listen stamp:1        | listener 'stamp:1' must be SERVICE/PROTOCOL/ADDRESS:PORT",
    "--listen time/udp/*:37 --port 5 | --listen replaces --port; give every socket as a --listen",
    "--udp-rate -1           | udp rate must be between 0 and 10000000, got -1",
    "--max-datagram 10       | max datagram must be between 64 and 65527, got 10",
  })
  void aBadServeValueIsOneClearLineAndExitCodeTwo(String args, String message) {
    assertThat(run(("serve " + args).split(" "))).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains(message).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(err.toString().lines().count()).isLessThanOrEqualTo(2);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "localhost 0                       | port must be between 1 and 65535, got 0",
    "localhost 21566 --timeout 0       | timeout must be between 1 ms and 24 days",
    "localhost 21566 extra             | Unmatched argument at index 3: 'extra'",
  })
  void aBadClientValueIsOneClearLineAndExitCodeTwo(String args, String message) {
    assertThat(run(("client " + args).split(" "))).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains(message).doesNotContain("\tat ");
  }

  @Test
  void sizesAndDurationsAcceptUnits() {
    assertThat(new Converters.Size().convert("64k")).isEqualTo(65_536);
    assertThat(new Converters.Size().convert("1m")).isEqualTo(1_048_576);
    assertThat(new Converters.Size().convert("512")).isEqualTo(512);
    assertThat(new Converters.Time().convert("250ms").toMillis()).isEqualTo(250);
    assertThat(new Converters.Time().convert("5m").toSeconds()).isEqualTo(300);
    assertThat(new Converters.Time().convert("1.5").toMillis()).isEqualTo(1_500);
    assertThat(new Converters.Time().convert("0").isZero()).isTrue();
  }
}
