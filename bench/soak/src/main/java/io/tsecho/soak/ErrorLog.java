package io.tsecho.soak;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Every problem a client sees, with its time: the first thousand in {@code errors.log} in full (a
 * broken server can fail millions of replies, and one of each kind is what a reader needs), the
 * first ten on stderr as they happen. Thread-safe.
 */
final class ErrorLog implements AutoCloseable {
  private static final int KEPT = 1000;
  private static final int SHOWN = 10;

  private final PrintWriter file;
  private long count;

  ErrorLog(Path path) throws IOException {
    file = new PrintWriter(Files.newBufferedWriter(path, StandardCharsets.UTF_8));
  }

  synchronized void add(String client, String what) {
    count++;
    String line = Instant.now() + " " + client + ": " + what;
    if (count <= KEPT) {
      file.println(line);
      file.flush();
    }
    if (count <= SHOWN) {
      System.err.println("soak: " + line);
    } else if (count == SHOWN + 1) {
      System.err.println("soak: more problems are written to errors.log");
    }
  }

  synchronized long count() {
    return count;
  }

  @Override
  public synchronized void close() {
    if (count > KEPT) {
      file.println((count - KEPT) + " more problems not written");
    }
    file.close();
  }
}
