package io.tsecho.testing;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Ends every test run with one line per reason that tests were skipped for (a missing program, no
 * IPv6 loopback, a blocked io_uring...), naming the tests, so that no skip goes unseen among the
 * build's output. Registered through the JUnit Platform's service loader.
 */
public final class SkipReport implements TestExecutionListener {
  private final Map<String, List<String>> skippedByReason = new TreeMap<>();

  @Override
  public synchronized void executionSkipped(TestIdentifier test, String reason) {
    skippedByReason.computeIfAbsent(reason, r -> new ArrayList<>()).add(name(test));
  }

  @Override
  public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      String reason = result.getThrowable().map(Throwable::getMessage).orElse("aborted");
      skippedByReason.computeIfAbsent(reason.replaceFirst("^Assumption failed: ", ""), r -> new ArrayList<>())
          .add(name(test));
    }
  }

  @Override
  public synchronized void testPlanExecutionFinished(TestPlan testPlan) {
    PrintStream out = System.out;
    skippedByReason.forEach((reason, tests) -> out.println(
        "[WARNING] SKIPPED " + tests.size() + " test(s): " + reason + ": " + String.join(", ", tests)));
    skippedByReason.clear();
  }

  /** Class.method, with the invocation's name for parameterized tests. */
  private String name(TestIdentifier test) {
    if (test.getSource().orElse(null) instanceof MethodSource) {
      MethodSource method = (MethodSource) test.getSource().get();
      String className = method.getClassName().substring(method.getClassName().lastIndexOf('.') + 1);
      String invocation = test.getDisplayName().startsWith("[") ? test.getDisplayName() : "";
      return className + "." + method.getMethodName() + invocation;
    }
    if (test.getSource().orElse(null) instanceof ClassSource) {
      String className = ((ClassSource) test.getSource().get()).getClassName();
      return className.substring(className.lastIndexOf('.') + 1);
    }
    return test.getDisplayName();
  }
}
