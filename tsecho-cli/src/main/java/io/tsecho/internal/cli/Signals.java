package io.tsecho.internal.cli;

/** Runs an action on Ctrl-C or SIGTERM instead of letting the JVM exit with 130 or 143. */
final class Signals {
  private Signals() {}

  /** As {@link #onTermination(Runnable, Runnable)}, for an action that has nothing to wait for. */
  static boolean onTermination(Runnable action) {
    return onTermination(action, () -> {});
  }

  /**
   * Calls {@code request} on every SIGINT and SIGTERM. Where the JVM reserves those signals for itself
   * ({@code -Xrs}), a shutdown hook calls it instead, then {@code awaitDone}: the JVM halts as soon as
   * its hooks return, so the hook must not return before the work it started is done.
   *
   * @param request returns at once; called again on a second signal
   * @param awaitDone blocks until what {@code request} started has finished
   * @return true if signal handlers were installed, false if a shutdown hook stands in for them
   */
  @SuppressWarnings("removal")
  static boolean onTermination(Runnable request, Runnable awaitDone) {
    try {
      for (String name : new String[] {"INT", "TERM"}) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> request.run());
      }
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      // Signals reserved by the JVM (-Xrs) or a platform without them: a shutdown hook runs on System.exit().
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        request.run();
        awaitDone.run();
      }, "tsecho-shutdown"));
      return false;
    }
  }
}
