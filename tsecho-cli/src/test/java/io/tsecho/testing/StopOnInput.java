package io.tsecho.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.tsecho.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;

/**
 * Runs tsecho as a service wrapper (jsvc, procrun) runs a JVM started with {@code -Xrs}: the
 * wrapper catches the stop signal itself and calls {@code System.exit()}, here on a line
 * {@code stop} on standard input. The JVM then runs its shutdown hooks, and halts when they return.
 */
public final class StopOnInput {
  private StopOnInput() {}

  public static void main(String[] args) {
    Thread stopper = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.equals("stop")) {
            System.exit(0);
          }
        }
      } catch (IOException e) {
        // standard input closed: nothing will ask for a stop
      }
    }, "stop-on-input");
    stopper.setDaemon(true);
    stopper.start();
    Main.main(args);
  }
}
