package io.tsecho.deploy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.testing.Processes;
import io.tsecho.testing.TsechoProcess;
import io.tsecho.testing.TsechoProcess.Result;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release tarball on a machine without a JDK: unpacked, run by its bin/tsecho with no JAVA_HOME
 * and no java on the PATH, and talked to over loopback.
 */
class TarballIT {
  private static final Pattern ADMIN = Pattern.compile("admin on http://127\\.0\\.0\\.1:(\\d+) ");
  /** What bin/tsecho runs besides the runtime's java; no java among them. */
  private static final List<String> SHELL_TOOLS = List.of("bash", "dirname", "readlink", "sed", "mkdir");

  @TempDir Path work;

  @Test
  void servesWithoutAnyJdk() throws Exception {
    Path release = unpack();
    Path tools = toolsWithoutJava();
    Result lookForJava = Processes.run(
        List.of("/usr/bin/env", "-i", "PATH=" + tools, "bash", "-c", "command -v java"), new byte[0], 30);
    assertThat(lookForJava.exitCode()).as("java on the PATH: " + lookForJava.out()).isEqualTo(1);

    List<String> command = new ArrayList<>(List.of("/usr/bin/env", "-i", "PATH=" + tools, "HOME=" + work,
        "HOSTNAME=tarball-test", "TSECHO_JAVA_OPTS=" + TsechoProcess.PARANOID_LEAK_DETECTION,
        release.resolve("bin/tsecho").toString()));
    command.addAll(List.of("serve", "--host", "127.0.0.1", "--port", "0", "--udp", "--admin", "127.0.0.1:0"));
    try (TsechoProcess server = TsechoProcess.start(command)) {
      int port = server.port();
      int adminPort = Integer.parseInt(server.awaitStderr(ADMIN).group(1));
      ServedExchanges.assertStampsTcp(port);
      ServedExchanges.assertStampsUdp(server.port("stamp/udp"));
      ServedExchanges.assertReady(adminPort);
      assertThat(server.terminate()).isZero();
    }
  }

  @Test
  void holdsTheLauncherTheJarAndARuntimeOfTheListedModulesOnly() throws Exception {
    Path release = unpack();
    try (Stream<Path> top = Files.list(release)) {
      assertThat(top.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("bin", "lib", "runtime");
    }
    assertThat(release.resolve("bin/tsecho")).isExecutable();
    assertThat(release.resolve("lib/tsecho.jar")).isRegularFile();

    Result listed = Processes.run(
        List.of(release.resolve("runtime/bin/java").toString(), "--list-modules"), new byte[0], 60);
    assertThat(listed.exitCode()).isZero();
    List<String> modules = listed.out().lines().map(line -> line.replaceFirst("@.*", ""))
        .sorted().collect(Collectors.toList());
    assertThat(modules).isEqualTo(withWhatTheyRequire(Release.modules()));
  }

  /** The modules and those they require, as jlink resolves them (this JDK built the runtime). */
  private static List<String> withWhatTheyRequire(List<String> roots) {
    Configuration resolved = Configuration.empty().resolve(ModuleFinder.ofSystem(), ModuleFinder.of(), roots);
    return resolved.modules().stream().map(ResolvedModule::name).sorted().collect(Collectors.toList());
  }

  /** The tarball unpacked; its single top folder, tsecho-VERSION. */
  private Path unpack() throws Exception {
    Path tarball = Release.tarball();
    Result untar = Processes.run(List.of("tar", "-xzf", tarball.toString(), "-C", work.toString()), new byte[0], 120);
    assertThat(untar.exitCode()).as(untar.stderr()).isZero();
    try (Stream<Path> top = Files.list(work)) {
      List<Path> entries = top.collect(Collectors.toList());
      assertThat(entries).hasSize(1);
      String name = tarball.getFileName().toString().replaceFirst("-linux-[^-]+\\.tar\\.gz$", "");
      assertThat(entries.get(0).getFileName().toString()).isEqualTo(name);
      return entries.get(0);
    }
  }

  /** A folder of links to the few programs the launcher needs, to stand for PATH. */
  private Path toolsWithoutJava() throws Exception {
    Path tools = Files.createDirectory(work.resolve("tools"));
    for (String tool : SHELL_TOOLS) {
      Result which = Processes.run(List.of("bash", "-c", "command -v " + tool), new byte[0], 30);
      assertThat(which.exitCode()).as(tool).isZero();
      Files.createSymbolicLink(tools.resolve(tool), Paths.get(new String(which.stdout(), UTF_8).strip()));
    }
    return tools;
  }
}
