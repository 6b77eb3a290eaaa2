package io.tsecho.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class StamperTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2018-01-09T21:14:00.100Z"));

  private static String text(byte[] prefix) {
    return new String(prefix, StandardCharsets.UTF_8);
  }

  @Test
  void prefixIsBracketedStampAndSpace() {
    Stamper stamper = Stamper.replyPrefix(TimeFormat.parse("ctime", ZoneOffset.UTC), clock);
    assertThat(text(stamper.current())).isEqualTo("[Tue Jan  9 21:14:00 2018] ");
  }

  @Test
  void theSameBytesAreReusedUntilTheClockPassesTheResolution() {
    Stamper stamper = Stamper.replyPrefix(TimeFormat.parse("ctime", ZoneOffset.UTC), clock);
    byte[] first = stamper.current();
    clock.advance(Duration.ofMillis(899));
    assertThat(stamper.current()).isSameAs(first);
    clock.advance(Duration.ofMillis(1));
    byte[] next = stamper.current();
    assertThat(next).isNotSameAs(first);
    assertThat(text(next)).isEqualTo("[Tue Jan  9 21:14:01 2018] ");
  }

  @Test
  void subMillisecondFormatsAreCachedPerTickToo() {
    Stamper stamper = Stamper.replyPrefix(TimeFormat.parse("epoch-us", ZoneOffset.UTC), clock);
    byte[] first = stamper.current();
    clock.advance(Duration.ofNanos(999));
    assertThat(stamper.current()).isSameAs(first);
    clock.advance(Duration.ofNanos(1));
    assertThat(text(stamper.current())).isEqualTo("[1515532440100001] ");
  }

  @Test
  void millisecondFormatsKeepTheirMilliseconds() {
    Stamper stamper = Stamper.replyPrefix(TimeFormat.parse("epoch-ms", ZoneOffset.UTC), clock);
    assertThat(text(stamper.current())).isEqualTo("[1515532440100] ");
    clock.advance(Duration.ofMillis(23));
    assertThat(text(stamper.current())).isEqualTo("[1515532440123] ");
    Stamper pattern = Stamper.replyPrefix(TimeFormat.parse("ss.SSS", ZoneOffset.UTC), clock);
    assertThat(text(pattern.current())).isEqualTo("[00.123] ");
    assertThat(pattern.format()).hasToString("ss.SSS");
  }

  @Test
  void aClockThatStepsBackIsFollowed() {
    Stamper stamper = Stamper.replyPrefix(TimeFormat.parse("epoch-s", ZoneOffset.UTC), clock);
    assertThat(text(stamper.current())).isEqualTo("[1515532440] ");
    clock.set(Instant.parse("2018-01-09T21:13:59Z"));
    assertThat(text(stamper.current())).isEqualTo("[1515532439] ");
  }

  @Test
  void aDaytimeLineIsTheStampAndCrLf() {
    Stamper daytime = Stamper.daytimeLine(TimeFormat.parse("ctime", ZoneOffset.UTC), clock);
    assertThat(text(daytime.current())).isEqualTo("Tue Jan  9 21:14:00 2018\r\n");
  }
}
