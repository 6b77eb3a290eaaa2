package io.tsecho.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real executable, {@code java -jar target/tsecho.jar}, run as a separate process. */
public final class TsechoProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (\\w+/\\w+)/(\\S+):(\\d+) ");

  private final Process process;
  private final StringBuffer stderr = new StringBuffer();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final java.util.Map<String, CompletableFuture<Integer>> ports = new java.util.concurrent.ConcurrentHashMap<>();

  private TsechoProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readStderr, "tsecho-stderr");
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
    String jar = System.getProperty("tsecho.jar", "target/tsecho.jar");
    if (!Files.isRegularFile(Paths.get(jar))) {
      throw new IllegalStateException("no executable jar at " + jar + "; run the integration tests with ./mvnw verify");
    }
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar);
    command.addAll(List.of(args));
    return command;
  }

  /** Runs a command to its end with the given standard input. */
  public static Result run(byte[] stdin, long timeoutSeconds, String... args) throws Exception {
    Process p = new ProcessBuilder(command(args)).start();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin);
    } catch (IOException e) {
      // the process may exit before reading its input (a refused connection): its exit code tells
    }
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("tsecho " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
    }
    return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS), new String(err.get(5, TimeUnit.SECONDS), UTF_8));
  }

  private static byte[] readAll(java.io.InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** Starts {@code tsecho serve ARGS} and waits for its listening line. */
  public static TsechoProcess serve(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("serve"));
    all.addAll(List.of(args));
    return start(command(all.toArray(new String[0])));
  }

  /** Starts a server by a command of the caller's (other JVM options, another main) and waits for its listening line. */
  public static TsechoProcess start(List<String> command) throws Exception {
    TsechoProcess server = new TsechoProcess(new ProcessBuilder(command).start());
    server.port.get(30, TimeUnit.SECONDS);
    return server;
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
      IllegalStateException gone = new IllegalStateException("server exited before listening: " + stderr);
      port.completeExceptionally(gone);
      ports.values().forEach(f -> f.completeExceptionally(gone));
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

  public String stderr() {
    return stderr.toString();
  }

  /** Waits for a line on stderr that the pattern finds, for at most 30 s, and returns the match. */
  public Matcher awaitStderr(Pattern pattern) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Matcher m = pattern.matcher(stderr.toString());
      if (m.find()) {
        return m;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no line matching " + pattern + " within 30 s in: " + stderr);
      }
      Thread.sleep(20);
    }
  }

  /** The server's standard input. */
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  /**
   * Sends SIGTERM and returns at once. Through the process handle: {@link Process#destroy()} would
   * also close the pipes, and what the server logs while it stops would be lost.
   */
  public void sigterm() {
    process.toHandle().destroy();
  }

  /** Waits for the process to exit, at most this long, and returns its code. */
  public int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("server did not exit within " + seconds + " s");
    }
    return process.exitValue();
  }

  /** Sends SIGTERM and returns the exit code. */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("server did not stop within 20 s of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      terminate();
    }
  }

  /** Path of a test resource file. */
  public static Path resource(String name) throws Exception {
    return Paths.get(TsechoProcess.class.getResource("/" + name).toURI());
  }
}
