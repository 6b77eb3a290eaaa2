package io.tsecho.internal.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether standard input and output are a person's terminal, the same answer on Java 17 to 25. */
final class Terminals {
  private Terminals() {}

  static boolean isInteractive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    // From Java 22, System.console() exists even when redirected; Console.isTerminal() tells the truth.
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
