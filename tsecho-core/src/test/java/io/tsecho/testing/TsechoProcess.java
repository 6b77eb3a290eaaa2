package io.tsecho.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real executable, {@code java -jar target/tsecho.jar}, run as a separate process.
 *
 * <p>A server started by {@link #serve} writes its stderr to a file, which keeps every byte up to
 * its exit (a pipe read by a thread can lose the last lines: the JDK closes the pipe under the
 * reader when the process exits). It is checked when it stops: a warning, an error, a leak report
 * or a stack trace on its stderr, in text or JSON, fails the test, unless the test declared the line
 * with {@link #expectLog}. The server runs with assertions and Netty's strictest leak detection.
 */
public final class TsechoProcess implements AutoCloseable {
  private static final long WAIT_SECONDS = 30;
  private static final Pattern LISTENING = Pattern.compile("listening on (\\w+/\\w+)/(\\S+):(\\d+) ");
  /**
   * The level column of the server's log lines, in text or JSON; Netty's leak reports; what the JVM
   * prints when a thread dies, and the frames of a stack trace.
   */
  private static final Pattern TROUBLE =
      Pattern.compile("^\\S+ (WARN|ERROR) |\"level\":\"(WARN|ERROR)\"|LEAK:|^Exception in thread |^\tat ");
  /**
   * Netty's note that the machine has no network interface with a hardware address (a network
   * namespace with loopback alone): about the machine, not the server.
   */
  private static final Pattern NO_HARDWARE_ADDRESS = Pattern.compile("Failed to find a usable hardware address");
  /** Netty's strictest leak detection; {@code serve} turns the detector off unless a level is set. */
  public static final String PARANOID_LEAK_DETECTION = "-Dio.netty.leakDetection.level=paranoid";
  private static final List<String> SERVER_JVM_FLAGS = List.of("-ea", PARANOID_LEAK_DETECTION);

  private final Process process;
  private final Path stderrFile;
  private final List<Pattern> expected = new CopyOnWriteArrayList<>(List.of(NO_HARDWARE_ADDRESS));
  private boolean checked;

  private TsechoProcess(Process process, Path stderrFile) {
    this.process = process;
    this.stderrFile = stderrFile;
  }

  /** The outcome of a finished run. */
  public record Result(int exitCode, byte[] stdout, String stderr) {
    public String out() {
      return new String(stdout, UTF_8);
    }
  }

  public static List<String> command(String... args) {
    return command(List.of(), args);
  }

  /** The command line that runs the jar with {@code args}, the JVM given {@code jvmFlags} first. */
  public static List<String> command(List<String> jvmFlags, String... args) {
    String jar = System.getProperty("tsecho.jar", "target/tsecho.jar");
    if (!Files.isRegularFile(Paths.get(jar))) {
      throw new IllegalStateException("no executable jar at " + jar + "; run the integration tests with ./mvnw verify");
    }
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-jar");
    command.add(jar);
    command.addAll(List.of(args));
    return command;
  }

  /** Runs a command to its end with the given standard input. */
  public static Result run(byte[] stdin, long timeoutSeconds, String... args) throws Exception {
    return Processes.run(command(args), stdin, timeoutSeconds);
  }

  /** Starts {@code tsecho serve ARGS} and waits for its first listening line. */
  public static TsechoProcess serve(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("serve"));
    all.addAll(List.of(args));
    return start(command(SERVER_JVM_FLAGS, all.toArray(new String[0])));
  }

  /**
   * Starts a server by a command of the caller's (other JVM options, another main) and waits for its
   * first listening line; the command sets its own leak detection ({@link #PARANOID_LEAK_DETECTION}).
   * Its standard input stays open: see {@link #stdin()}.
   */
  public static TsechoProcess start(List<String> command) throws Exception {
    Path stderr = Files.createTempFile("tsecho-serve", ".stderr");
    stderr.toFile().deleteOnExit();
    Process process = new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(stderr.toFile())
        .start();
    TsechoProcess server = new TsechoProcess(process, stderr);
    try {
      server.awaitText("listening on ");
    } catch (Exception | AssertionError e) {
      process.destroyForcibly(); // no test holds it yet, so no one else would stop it
      throw e;
    }
    return server;
  }

  /**
   * Declares that the server may log lines matching {@code regex} (found anywhere in the line), such
   * as the warning a test provokes on purpose; other warnings and errors still fail the test.
   */
  public TsechoProcess expectLog(String regex) {
    expected.add(Pattern.compile(regex));
    return this;
  }

  /** Waits until stderr holds {@code text}; fails, showing stderr, if it does not within 30 s or the server exits. */
  public void awaitText(String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!stderr().contains(text)) {
      if (!process.isAlive() && !stderr().contains(text)) {
        throw new IllegalStateException("server exited (exit " + process.exitValue() + ") without '" + text + "': "
            + stderr());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + text + "' within " + WAIT_SECONDS + " s in:\n" + stderr());
      }
      Thread.sleep(20);
    }
  }

  /** The port of the first listener. */
  public int port() throws Exception {
    Matcher m = LISTENING.matcher(stderr());
    if (!m.find()) {
      throw new AssertionError("no listening line in:\n" + stderr());
    }
    return Integer.parseInt(m.group(3));
  }

  /** The port of the listener printed as e.g. {@code time/udp}, once its line has appeared. */
  public int port(String serviceAndProtocol) throws Exception {
    awaitText("listening on " + serviceAndProtocol + "/");
    Matcher m = LISTENING.matcher(stderr());
    while (m.find()) {
      if (m.group(1).equals(serviceAndProtocol)) {
        return Integer.parseInt(m.group(3));
      }
    }
    throw new AssertionError("no listening line for " + serviceAndProtocol + " in:\n" + stderr());
  }

  /** What the server has printed on stderr so far; all of it once it has stopped. */
  public String stderr() {
    try {
      return Files.readString(stderrFile, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for a line on stderr that the pattern finds, for at most 30 s, and returns the match. */
  public Matcher awaitStderr(Pattern pattern) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (true) {
      Matcher m = pattern.matcher(stderr());
      if (m.find()) {
        return m;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no line matching " + pattern + " within " + WAIT_SECONDS + " s in:\n" + stderr());
      }
      Thread.sleep(20);
    }
  }

  /** The server's standard input. */
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  /** Sends SIGTERM and returns at once. */
  public void sigterm() {
    process.toHandle().destroy();
  }

  /** Waits for the process to exit, at most this long, checks stderr and returns its code. */
  public int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("server did not exit within " + seconds + " s");
    }
    checkStderr();
    return process.exitValue();
  }

  /** Sends SIGTERM, waits for the exit, checks stderr (see the class comment) and returns the exit code. */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("server did not stop within 20 s of SIGTERM");
    }
    checkStderr();
    return process.exitValue();
  }

  private void checkStderr() {
    if (checked) {
      return;
    }
    checked = true;
    List<String> unexpected = unexpectedLines(stderr(), expected);
    if (!unexpected.isEmpty()) {
      throw new AssertionError("the server logged " + unexpected.size() + " unexpected line(s) (declare expected ones"
          + " with expectLog):\n" + String.join("\n", unexpected) + "\n--- its whole stderr:\n" + stderr());
    }
  }

  /** Warning, error, leak and crash lines that match none of the expected patterns. */
  static List<String> unexpectedLines(String stderr, List<Pattern> expected) {
    List<String> unexpected = new ArrayList<>();
    for (String line : stderr.split("\n")) {
      if (TROUBLE.matcher(line).find() && expected.stream().noneMatch(p -> p.matcher(line).find())) {
        unexpected.add(line);
      }
    }
    return unexpected;
  }

  /** Stops the server if it still runs, and checks its stderr once. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      terminate();
    } else {
      checkStderr();
    }
  }

  /** Path of a test resource file. */
  public static Path resource(String name) throws Exception {
    return Paths.get(TsechoProcess.class.getResource("/" + name).toURI());
  }
}
