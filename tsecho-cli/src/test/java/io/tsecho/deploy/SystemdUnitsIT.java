package io.tsecho.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.testing.Processes;
import io.tsecho.testing.Program;
import io.tsecho.testing.RequiresPrograms;
import io.tsecho.testing.TsechoProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units under deploy/systemd: systemd-analyze verify finds nothing to say about them,
 * their sandbox is the one documented, and the options they pass are ones tsecho serve accepts.
 */
class SystemdUnitsIT {
  private static final Path UNITS = Paths.get("deploy/systemd");
  private static final String LAUNCHER = "/opt/tsecho/bin/tsecho";
  /** The exposure score in the README; systemd-analyze security prints it to one decimal. */
  private static final Pattern SCORE = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d) ");
  /** Directives the sandbox stands on, with the one value each must have. */
  private static final Map<String, String> SANDBOX = sandbox();

  @TempDir Path work;

  private static Map<String, String> sandbox() {
    Map<String, String> sandbox = new LinkedHashMap<>();
    sandbox.put("DynamicUser", "yes");
    sandbox.put("AmbientCapabilities", "CAP_NET_BIND_SERVICE");
    sandbox.put("CapabilityBoundingSet", "CAP_NET_BIND_SERVICE");
    sandbox.put("NoNewPrivileges", "yes");
    sandbox.put("ProtectSystem", "strict");
    sandbox.put("ProtectHome", "yes");
    sandbox.put("PrivateTmp", "yes");
    sandbox.put("PrivateDevices", "yes");
    sandbox.put("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX AF_NETLINK");
    sandbox.put("SystemCallFilter", "@system-service");
    return sandbox;
  }

  @Test
  @RequiresPrograms(Program.SYSTEMD_ANALYZE)
  void verifyHasNothingToSay() throws Exception {
    for (Path unit : installed()) {
      Result verify = Processes.run(List.of(Program.SYSTEMD_ANALYZE.path(), "verify", unit.toString()), new byte[0], 120);
      assertThat(verify.exitCode()).as(unit + ": " + verify.stderr()).isZero();
      assertThat(verify.out() + verify.stderr()).as(unit.toString()).isEmpty();
    }
  }

  @Test
  @RequiresPrograms(Program.SYSTEMD_ANALYZE)
  void theExposureScoreIsTheOneInTheReadme() throws Exception {
    String readme = Files.readString(Paths.get("README.md"));
    for (Path unit : installed()) {
      Result security = Processes.run(List.of(Program.SYSTEMD_ANALYZE.path(), "security", "--offline=true",
          "--no-pager", unit.toString()), new byte[0], 120);
      Matcher score = SCORE.matcher(security.out());
      assertThat(score.find()).as(security.out() + security.stderr()).isTrue();
      assertThat(readme).contains("exposure level " + score.group(1) + " ");
    }
  }

  @Test
  void theSandboxIsTheDocumentedOneAndLeavesTheJitAlone() throws Exception {
    for (String name : List.of("tsecho.service", "tsecho@.service")) {
      Map<String, String> directives = directives(UNITS.resolve(name));
      assertThat(directives).as(name).containsAllEntriesOf(SANDBOX);
      assertThat(directives).as(name + ": the JIT writes the code it runs").doesNotContainKey("MemoryDenyWriteExecute");
      Duration stop = Duration.ofSeconds(Long.parseLong(directives.get("TimeoutStopSec")));
      assertThat(stop).as(name + " outlasts the drain").isGreaterThan(serveArgs(name).drainDelay().plusSeconds(20));
    }
  }

  @Test
  void theServiceListensOnTheClassicPortsThatItsCapabilityIsFor() throws Exception {
    ServeArgs serve = serveArgs("tsecho.service");
    assertThat(serve.listen()).containsExactly("stamp/tcp/*:21566", "stamp/udp/*:21566", "echo/tcp/*:7",
        "daytime/tcp/*:13", "time/tcp/*:37");
    assertThat(serve.adminPort()).isEqualTo(9090);
  }

  @Test
  void theTemplateTakesItsOptionsFromTheInstancesFile() throws Exception {
    ServeArgs serve = serveArgs("tsecho@.service");
    assertThat(serve.port()).isEqualTo(21567);
    assertThat(serve.udp()).isTrue();
    assertThat(serve.adminPort()).isEqualTo(9091);
    assertThat(directives(UNITS.resolve("tsecho@.service"))).containsEntry("EnvironmentFile", "/etc/tsecho/%i.conf");
  }

  /** The options after `serve` in ExecStart, with %i and $TSECHO_ARGS as the example instance gives them. */
  private static ServeArgs serveArgs(String unit) throws Exception {
    String execStart = directives(UNITS.resolve(unit)).get("ExecStart");
    String exampleArgs = Files.readString(UNITS.resolve("example.conf")).lines()
        .filter(line -> line.startsWith("TSECHO_ARGS=")).findFirst().orElseThrow().substring("TSECHO_ARGS=".length());
    List<String> words = new ArrayList<>(Arrays.asList(
        execStart.replace("%i", "example").replace("$TSECHO_ARGS", exampleArgs).trim().split("\\s+")));
    assertThat(words.subList(0, 2)).containsExactly(LAUNCHER, "serve");
    return ServeArgs.parse(words.subList(2, words.size()));
  }

  /** The [Service] and [Unit] directives, continuation lines joined; a repeated one keeps its last value. */
  private static Map<String, String> directives(Path unit) throws Exception {
    Map<String, String> directives = new LinkedHashMap<>();
    String joined = Files.readString(unit).replace("\\\n", " ");
    for (String line : joined.split("\n")) {
      int eq = line.indexOf('=');
      if (line.startsWith("#") || line.startsWith("[") || eq < 0) {
        continue;
      }
      directives.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
    }
    return directives;
  }

  /**
   * The units as installed, with the launcher where they look for it: verify checks that ExecStart's
   * program exists, so it runs on copies that point at an empty stand-in here. The template is
   * verified as an instance.
   */
  private List<Path> installed() throws Exception {
    Path launcher = work.resolve("opt/tsecho/bin/tsecho");
    Files.createDirectories(launcher.getParent());
    Files.writeString(launcher, "#!/bin/sh\n");
    assertThat(launcher.toFile().setExecutable(true)).isTrue();
    List<Path> units = new ArrayList<>();
    for (String[] names : new String[][] {{"tsecho.service", "tsecho.service"}, {"tsecho@.service", "tsecho@a.service"}}) {
      Path copy = work.resolve(names[1]);
      Files.writeString(copy, Files.readString(UNITS.resolve(names[0])).replace(LAUNCHER, launcher.toString()));
      units.add(copy);
    }
    return units;
  }
}
