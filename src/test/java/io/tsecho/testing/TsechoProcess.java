package io.tsecho.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real executable, {@code java -jar target/tsecho.jar}, run as a separate process.
 *
 * <p>A server started by {@link #serve} is checked when it stops: a warning, an error, a leak report
 * or a stack trace on its stderr fails the test, unless the test declared the line with
 * {@link #expectLog}. The server runs with assertions and Netty's strictest leak detection.
 */
public final class TsechoProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (\\w+/\\w+)/(\\S+):(\\d+) ");
  /** The level column of the server's log lines, Netty's leak reports, and what the JVM prints when a thread dies. */
  private static final Pattern TROUBLE = Pattern.compile("^\\S+ (WARN|ERROR) |LEAK:|^Exception in thread ");
  /**
   * Netty's note that the machine has no network interface with a hardware address (a network
   * namespace with loopback alone): about the machine, not the server.
   */
  private static final Pattern NO_HARDWARE_ADDRESS = Pattern.compile("WARN  MacAddressUtil - Failed to find a usable hardware address");
  private static final List<String> SERVER_JVM_FLAGS = List.of("-ea", "-Dio.netty.leakDetection.level=paranoid");

  private final Process process;
  private final Thread reader;
  private final StringBuffer stderr = new StringBuffer();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final Map<String, CompletableFuture<Integer>> ports = new ConcurrentHashMap<>();
  private final List<Pattern> expected = new CopyOnWriteArrayList<>(List.of(NO_HARDWARE_ADDRESS));
  private boolean checked;

  private TsechoProcess(Process process) {
    this.process = process;
    this.reader = new Thread(this::readStderr, "tsecho-stderr");
    reader.setDaemon(true);
    reader.start();
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

  /** Starts {@code tsecho serve ARGS} and waits for its listening line. */
  public static TsechoProcess serve(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("serve"));
    all.addAll(List.of(args));
    TsechoProcess server = new TsechoProcess(
        new ProcessBuilder(command(SERVER_JVM_FLAGS, all.toArray(new String[0]))).start());
    server.port.get(30, TimeUnit.SECONDS);
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

  private void readStderr() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        stderr.append(line).append('\n');
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(3)));
          listenerPort(m.group(1)).complete(Integer.parseInt(m.group(3)));
        }
      }
    } catch (IOException e) {
      // the process is gone
    } finally {
      IllegalStateException gone = new IllegalStateException("server exited before listening (" + exitStatus() + "): " + stderr);
      port.completeExceptionally(gone);
      ports.values().forEach(f -> f.completeExceptionally(gone));
    }
  }

  /** How the process ended, once its stderr has closed: a signal shows as exit 128 + its number. */
  private String exitStatus() {
    try {
      return process.waitFor(10, TimeUnit.SECONDS) ? "exit " + process.exitValue() : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  public int port() {
    return port.join();
  }

  private CompletableFuture<Integer> listenerPort(String serviceAndProtocol) {
    return ports.computeIfAbsent(serviceAndProtocol, k -> new CompletableFuture<>());
  }

  /** The port of the listener printed as e.g. {@code time/udp}, once its line has appeared. */
  public int port(String serviceAndProtocol) throws Exception {
    return listenerPort(serviceAndProtocol).get(30, TimeUnit.SECONDS);
  }

  /** What the server has printed on stderr so far; all of it once it has stopped. */
  public String stderr() {
    return stderr.toString();
  }

  /**
   * Sends SIGTERM, waits for the exit and the last line of stderr, checks stderr (see the class
   * comment) and returns the exit code.
   */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("server did not stop within 20 s of SIGTERM");
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    if (reader.isAlive()) {
      throw new AssertionError("the server's stderr was still open 10 s after it exited");
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
      reader.join(TimeUnit.SECONDS.toMillis(10));
      checkStderr();
    }
  }

  /** Path of a test resource file. */
  public static Path resource(String name) throws Exception {
    return Paths.get(TsechoProcess.class.getResource("/" + name).toURI());
  }
}
