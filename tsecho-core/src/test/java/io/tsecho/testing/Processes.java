package io.tsecho.testing;

import io.tsecho.testing.TsechoProcess.Result;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a program to its end, feeding its input and reading both outputs at once so none can block. */
public final class Processes {
  private Processes() {}

  public static Result run(List<String> command, Map<String, String> environment, byte[] stdin, long timeoutSeconds)
      throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    Process p = builder.start();
    CompletableFuture<byte[]> out = readAllAsync(p.getInputStream());
    CompletableFuture<byte[]> err = readAllAsync(p.getErrorStream());
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin);
    } catch (IOException e) {
      // the process may exit before reading its input (a refused connection): its exit code tells
    }
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
    }
    return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS),
        new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
  }

  public static Result run(List<String> command, byte[] stdin, long timeoutSeconds) throws Exception {
    return run(command, Map.of(), stdin, timeoutSeconds);
  }

  /**
   * Reads {@code in} to its end on a thread of its own: a shared pool with one thread (the common
   * pool on two cores) would read one stream while the other fills up.
   */
  public static CompletableFuture<byte[]> readAllAsync(InputStream in) {
    CompletableFuture<byte[]> all = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        all.complete(in.readAllBytes());
      } catch (IOException e) {
        all.complete(new byte[0]);
      }
    }, "process-output");
    reader.setDaemon(true);
    reader.start();
    return all;
  }
}
