package io.tsecho.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.Cidr;
import io.tsecho.config.ProxySettings;
import io.tsecho.config.ProxySettings.Mode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** --proxy-protocol, --proxy-from and --proxy-timeout, as parsed into the server's settings. */
class ServeProxyOptionsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private ProxySettings parse(String... args) {
    CommandLine cl = TsechoCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    cl.parseArgs(all);
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    return serve.config().proxy();
  }

  private int run(String args) {
    return TsechoCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
        .execute(("serve " + args).split(" "));
  }

  @Test
  void offByDefault() {
    assertThat(parse()).isEqualTo(ProxySettings.OFF);
  }

  @Test
  void requiredTrustsLoopbackAndWaitsThreeSecondsByDefault() {
    assertThat(parse("--proxy-protocol", "required"))
        .isEqualTo(new ProxySettings(Mode.REQUIRED, ProxySettings.LOOPBACK, Duration.ofSeconds(3)));
  }

  @Test
  void sourcesAndTimeoutAreTaken() {
    assertThat(parse("--proxy-protocol", "optional", "--proxy-from", "10.0.0.0/8", "--proxy-from", "2001:db8::/32",
        "--proxy-timeout", "500ms"))
        .isEqualTo(new ProxySettings(Mode.OPTIONAL, List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32")),
            Duration.ofMillis(500)));
  }

  @Test
  void helpListsTheOptions() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("--proxy-protocol=MODE", "--proxy-from=CIDR", "--proxy-timeout=DURATION");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "--proxy-protocol sometimes                        | 'sometimes' is not a PROXY protocol mode; use off, optional or required",
    "--proxy-protocol required --proxy-from 10.0.0.0/33 | '10.0.0.0/33': an IPv4 prefix is at most 32 bits, got 33",
    "--proxy-protocol required --proxy-from lb.local    | 'lb.local' is not an address block",
    "--proxy-protocol required --proxy-timeout 0        | proxy timeout must be between 1 ms and 10 min, got 0 ms",
    "--proxy-protocol optional --proxy-timeout 11m      | proxy timeout must be between 1 ms and 10 min, got 660000 ms",
    "--proxy-from 10.0.0.0/8                            | --proxy-from needs --proxy-protocol optional or required",
    "--proxy-timeout 1s                                 | --proxy-timeout needs --proxy-protocol optional or required",
  })
  void aBadValueIsOneClearLineAndExitCodeTwo(String args, String message) {
    assertThat(run(args)).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains(message).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(err.toString().lines().count()).isLessThanOrEqualTo(2);
  }
}
