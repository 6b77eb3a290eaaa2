package io.tsecho.testing;

import java.lang.reflect.AnnotatedElement;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Skips what {@link RequiresPrograms} names when a program is missing, or fails it when the
 * environment says the programs must be there, so that CI cannot go green by skipping.
 */
public final class ProgramsCheck implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {
  /** Set to 1 where the programs are installed on purpose: then a missing one is a failure. */
  public static final String REQUIRE = "TSECHO_REQUIRE_PEERS";

  static boolean required() {
    return "1".equals(System.getenv(REQUIRE));
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String missing = missing(context.getElement().orElse(null));
    if (missing.isEmpty() || required()) {
      return ConditionEvaluationResult.enabled("the programs it needs are here");
    }
    return ConditionEvaluationResult.disabled(missing);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    failIfMissing(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    failIfMissing(context);
  }

  private static void failIfMissing(ExtensionContext context) {
    String missing = missing(context.getElement().orElse(null));
    if (!missing.isEmpty()) {
      throw new AssertionError(missing + " (" + REQUIRE + "=1: a missing program fails the test)");
    }
  }

  /** One sentence per unusable program, with how to install it; empty when all are usable. */
  private static String missing(AnnotatedElement element) {
    List<Program> needed = AnnotationSupport.findAnnotation(element, RequiresPrograms.class)
        .map(r -> Arrays.asList(r.value())).orElse(List.of());
    return needed.stream().filter(p -> !p.usable())
        .map(p -> p.problem().orElseThrow() + " (on Debian: " + p.install() + ")")
        .collect(Collectors.joining("; "));
  }
}
