package io.tsecho.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A program outside the JDK that some tests talk to, how to tell that it is there and usable, and
 * which Debian package brings it. Tests name them in {@link RequiresPrograms} and run them by
 * {@link #path()}, so that the program checked is the program run.
 */
public enum Program {
  /** rdate sets the clock without -p, so every run passes -p; without a host it only prints its usage. */
  RDATE("rdate", "rdate", List.of("-p"), "Usage: rdate"),
  /** The OpenBSD flavour: others read -u and -w differently. Its usage text names it. */
  NC("nc", "netcat-openbsd", List.of("-h"), "OpenBSD netcat"),
  /** Runs the tutorial's scripts: a bare shim (pyenv without a version) does not count. */
  PYTHON3("python3", "python3", List.of("-c", "import socket, sys; print('python', sys.version_info >= (3, 6))"),
      "python True"),
  HAPROXY("haproxy", "haproxy", List.of("-v"), "HAProxy version"),
  OPENSSL("openssl", "openssl", List.of("version"), "OpenSSL"),
  PROMTOOL("promtool", "prometheus", List.of("--version"), "promtool"),
  /** Checks the unit files under deploy/systemd and scores their sandboxing. */
  SYSTEMD_ANALYZE("systemd-analyze", "systemd", List.of("--version"), "systemd");

  /** Where Debian keeps programs for root, often missing from a user's PATH: rdate lives there. */
  private static final List<String> SBIN = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");
  /** A pyenv shim on a loaded machine took over 10 s to answer: only a program that hangs takes this long. */
  private static final long PROBE_SECONDS = 60;

  private final String command;
  private final String debianPackage;
  private final List<String> probe;
  private final String probeSays;
  private volatile Optional<String> problem;
  private volatile Path path;

  Program(String command, String debianPackage, List<String> probe, String probeSays) {
    this.command = command;
    this.debianPackage = debianPackage;
    this.probe = probe;
    this.probeSays = probeSays;
  }

  /** How to install it, as a line to print. */
  public String install() {
    return "apt-get install " + debianPackage;
  }

  /** The absolute path of the program, which must be {@link #usable()}. */
  public String path() {
    if (problem().isPresent()) {
      throw new IllegalStateException(problem().get());
    }
    return path.toString();
  }

  public boolean usable() {
    return problem().isEmpty();
  }

  /** Why the tests cannot use it here, or empty when they can. Looked at once per test run. */
  public synchronized Optional<String> problem() {
    if (problem == null) {
      problem = look();
    }
    return problem;
  }

  private Optional<String> look() {
    Optional<Path> found = find();
    if (found.isEmpty()) {
      return Optional.of(command + " is not installed");
    }
    path = found.get();
    List<String> run = new ArrayList<>(List.of(path.toString()));
    run.addAll(probe);
    String shown = String.join(" ", run);
    try {
      Process p = new ProcessBuilder(run).redirectErrorStream(true).start();
      p.getOutputStream().close();
      if (!p.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.of(command + " at " + path + " is not usable: `" + shown + "` did not end within "
            + PROBE_SECONDS + " s");
      }
      String said = new String(p.getInputStream().readAllBytes(), ISO_8859_1);
      if (!said.contains(probeSays)) {
        return Optional.of(command + " at " + path + " is not usable: `" + shown + "` did not say '" + probeSays
            + "' (exit " + p.exitValue() + ": " + firstLine(said) + ")");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(command + " at " + path + " is not usable: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(command + ": interrupted while trying it");
    }
  }

  private static String firstLine(String text) {
    String line = text.strip().lines().findFirst().orElse("no output");
    return line.length() > 120 ? line.substring(0, 120) + "..." : line;
  }

  /** The first executable of that name on the PATH, then in the sbin directories. */
  private Optional<Path> find() {
    Set<String> dirs = new LinkedHashSet<>();
    String pathVariable = System.getenv("PATH");
    if (pathVariable != null) {
      for (String dir : pathVariable.split(File.pathSeparator)) {
        if (!dir.isEmpty()) {
          dirs.add(dir);
        }
      }
    }
    dirs.addAll(SBIN);
    for (String dir : dirs) {
      Path candidate = Paths.get(dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
