package io.tsecho.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test class or method talks to these programs. Where one is missing or unusable, the test is
 * skipped with the reason and how to install it, and {@link SkipReport} names it at the end of the
 * run; with {@code TSECHO_REQUIRE_PEERS=1} (as CI runs) it fails instead.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ProgramsCheck.class)
public @interface RequiresPrograms {
  Program[] value();
}
