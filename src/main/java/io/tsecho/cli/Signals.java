package io.tsecho.cli;

/** Runs an action on Ctrl-C or SIGTERM instead of letting the JVM exit with 130 or 143. */
final class Signals {
  private Signals() {}

  @SuppressWarnings("removal")
  static boolean onTermination(Runnable action) {
    try {
      for (String name : new String[] {"INT", "TERM"}) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.run());
      }
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      // Signals reserved by the JVM (-Xrs) or a platform without them: fall back to a shutdown hook.
      Runtime.getRuntime().addShutdownHook(new Thread(action, "tsecho-shutdown"));
      return false;
    }
  }
}
