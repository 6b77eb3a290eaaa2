package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ErrorRepliesTest {
  @Test
  void eachRuleHasItsOwnLine() {
    assertThat(new String(ErrorReplies.lineTooLong(8192), US_ASCII))
        .isEqualTo("tsecho error: line too long (more than 8192 bytes without a newline); closing\n");
    assertThat(new String(ErrorReplies.tooManyConnections(10), US_ASCII))
        .isEqualTo("tsecho error: too many connections (limit 10); closing\n");
    assertThat(new String(ErrorReplies.tooManyFromSource(3), US_ASCII))
        .isEqualTo("tsecho error: too many connections from your address (limit 3); closing\n");
    assertThat(new String(ErrorReplies.bufferLimit(), US_ASCII))
        .isEqualTo("tsecho error: server buffer limit reached; closing\n");
    assertThat(new String(ErrorReplies.lineTimeout(Duration.ofSeconds(90)), US_ASCII))
        .isEqualTo("tsecho error: line not finished within 90s; closing\n");
  }

  @Test
  void aDurationIsWrittenAsOnTheCommandLine() {
    assertThat(ErrorReplies.compact(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(ErrorReplies.compact(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(ErrorReplies.compact(Duration.ofSeconds(1))).isEqualTo("1s");
    assertThat(ErrorReplies.compact(Duration.ofSeconds(59))).isEqualTo("59s");
    assertThat(ErrorReplies.compact(Duration.ofSeconds(60))).isEqualTo("1m");
    assertThat(ErrorReplies.compact(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(ErrorReplies.compact(Duration.ofMinutes(59))).isEqualTo("59m");
    assertThat(ErrorReplies.compact(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(ErrorReplies.compact(Duration.ofHours(25))).isEqualTo("25h");
    assertThat(ErrorReplies.compact(Duration.ofMinutes(61))).isEqualTo("61m");
    assertThat(ErrorReplies.compact(Duration.ZERO)).isEqualTo("0s");
  }
}
