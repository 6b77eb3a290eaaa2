package io.tsecho.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tsecho serve} run as its own process with its stderr in a file, for tests that read what
 * it logs up to its exit: a pipe read by a thread can lose the last lines when the process exits
 * (the JDK closes the pipe under the reader), a file keeps every byte.
 *
 * <p>The server runs with assertions and Netty's strictest leak detection, and once it has stopped
 * a warning, an error, a leak report or a stack trace on its stderr, in text or JSON, fails the test.
 */
public final class LoggedServer implements AutoCloseable {
  private static final long WAIT_SECONDS = 30;
  private static final List<String> JVM_FLAGS = List.of("-ea", "-Dio.netty.leakDetection.level=paranoid");
  /** About the machine (a network namespace with loopback alone), not the server. */
  private static final String NO_HARDWARE_ADDRESS = "Failed to find a usable hardware address";
  private static final Pattern TROUBLE =
      Pattern.compile("^\\S+ (WARN|ERROR) |\"level\":\"(WARN|ERROR)\"|LEAK:|^Exception in thread |\tat ");

  private final Process process;
  private final Path stderr;

  private LoggedServer(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
  }

  /** Starts {@code tsecho serve ARGS}, its stderr in a file under {@code dir}, and waits for its first listening line. */
  public static LoggedServer serve(Path dir, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("serve"));
    all.addAll(List.of(args));
    Path stderr = Files.createTempFile(dir, "serve", ".stderr");
    List<String> command = new ArrayList<>(TsechoProcess.command(all.toArray(new String[0])));
    command.addAll(1, JVM_FLAGS); // after the java executable
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(false)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(stderr.toFile())
        .start();
    LoggedServer server = new LoggedServer(process, stderr);
    server.awaitText("listening on ");
    return server;
  }

  /** Everything the server has written on stderr so far. */
  public String stderr() throws IOException {
    return Files.readString(stderr, UTF_8);
  }

  /** The port of the listener printed as e.g. {@code stamp/udp}. */
  public int port(String serviceAndProtocol) throws Exception {
    Pattern listening = Pattern.compile("listening on " + Pattern.quote(serviceAndProtocol) + "/\\S+:(\\d+) ");
    awaitText("listening on " + serviceAndProtocol + "/");
    Matcher m = listening.matcher(stderr());
    if (!m.find()) {
      throw new AssertionError("no port in the listening line of " + serviceAndProtocol + ":\n" + stderr());
    }
    return Integer.parseInt(m.group(1));
  }

  /** Waits until stderr holds {@code text}; fails, showing stderr, if it does not within 30 s or the server exits. */
  public void awaitText(String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!stderr().contains(text)) {
      if (!process.isAlive() && !stderr().contains(text)) {
        throw new AssertionError("the server exited (" + process.exitValue() + ") without '" + text + "':\n" + stderr());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + text + "' within " + WAIT_SECONDS + " s in:\n" + stderr());
      }
      Thread.sleep(20);
    }
  }

  /** Sends SIGTERM, checks stderr once the server has exited (see the class comment) and returns the exit code. */
  public int terminate() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("server did not stop within 20 s of SIGTERM");
    }
    List<String> trouble = trouble(stderr());
    if (!trouble.isEmpty()) {
      throw new AssertionError("the server logged trouble:\n" + String.join("\n", trouble) + "\n--- its whole stderr:\n"
          + stderr());
    }
    return process.exitValue();
  }

  /** Warning, error, leak and crash lines, but Netty's note about a machine without a hardware address. */
  static List<String> trouble(String stderr) {
    List<String> trouble = new ArrayList<>();
    for (String line : stderr.split("\n")) {
      if (TROUBLE.matcher(line).find() && !line.contains(NO_HARDWARE_ADDRESS)) {
        trouble.add(line);
      }
    }
    return trouble;
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      terminate();
    }
  }
}
