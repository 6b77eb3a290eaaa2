package io.tsecho.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class TimeFormatTest {
  // The moment of the origin tutorial's post: 2018-01-09 21:14:00 UTC, plus 123456789 ns.
  private static final Instant T = Instant.parse("2018-01-09T21:14:00.123456789Z");

  private static String format(String spec, ZoneId zone) {
    return TimeFormat.parse(spec, zone).format(T.getEpochSecond(), T.getNano());
  }

  @Test
  void ctimeMatchesCWithTheDayPaddedBySpaceInEnglishWhateverTheLocale() {
    assertThat(Locale.getDefault().getLanguage()).as("the build runs tests in a non-English locale").isEqualTo("hi");
    assertThat(format("ctime", ZoneOffset.UTC)).isEqualTo("Tue Jan  9 21:14:00 2018");
    assertThat(TimeFormat.parse("ctime", ZoneOffset.UTC).format(Instant.parse("2018-11-19T01:02:03Z").getEpochSecond(), 0))
        .isEqualTo("Mon Nov 19 01:02:03 2018");
  }

  @Test
  void ctimeUsesTheZone() {
    assertThat(format("ctime", ZoneId.of("Asia/Kolkata"))).isEqualTo("Wed Jan 10 02:44:00 2018");
  }

  @Test
  void isoCarriesTheLocalOffsetAndMicroseconds() {
    assertThat(format("iso", ZoneId.of("Asia/Kolkata"))).isEqualTo("2018-01-10T02:44:00.123456+05:30");
    assertThat(format("iso", ZoneOffset.UTC)).isEqualTo("2018-01-09T21:14:00.123456+00:00");
  }

  @Test
  void rfc3339IsAlwaysUtcWithZ() {
    assertThat(format("rfc3339", ZoneId.of("America/New_York"))).isEqualTo("2018-01-09T21:14:00.123456Z");
  }

  @Test
  void epochFormatsTruncateToTheirUnit() {
    assertThat(format("epoch-s", ZoneOffset.UTC)).isEqualTo("1515532440");
    assertThat(format("epoch-ms", ZoneOffset.UTC)).isEqualTo("1515532440123");
    assertThat(format("epoch-us", ZoneOffset.UTC)).isEqualTo("1515532440123456");
    assertThat(format("epoch-ns", ZoneOffset.UTC)).isEqualTo("1515532440123456789");
  }

  @Test
  void aJavaTimePatternIsAccepted() {
    assertThat(format("HH:mm:ss.SSS", ZoneOffset.UTC)).isEqualTo("21:14:00.123");
    assertThat(format("EEEE d MMMM uuuu 'at' HH'h'", ZoneOffset.UTC)).isEqualTo("Tuesday 9 January 2018 at 21h");
  }

  @Test
  void eachFormatKnowsItsResolution() {
    assertThat(TimeFormat.parse("ctime", ZoneOffset.UTC).resolutionNanos()).isEqualTo(1_000_000_000L);
    assertThat(TimeFormat.parse("iso", ZoneOffset.UTC).resolutionNanos()).isEqualTo(1_000L);
    assertThat(TimeFormat.parse("epoch-ms", ZoneOffset.UTC).resolutionNanos()).isEqualTo(1_000_000L);
    assertThat(TimeFormat.parse("epoch-ns", ZoneOffset.UTC).resolutionNanos()).isEqualTo(1L);
    assertThat(TimeFormat.patternResolutionNanos("HH:mm")).isEqualTo(1_000_000_000L);
    assertThat(TimeFormat.patternResolutionNanos("HH:mm:ss.SS")).isEqualTo(10_000_000L);
    assertThat(TimeFormat.patternResolutionNanos("HH:mm:ss.SSSSSSSSS")).isEqualTo(1L);
    assertThat(TimeFormat.patternResolutionNanos("HH 'SSS'")).as("quoted letters are text").isEqualTo(1_000_000_000L);
    assertThat(TimeFormat.patternResolutionNanos("HH''SSS")).as("'' is a literal quote").isEqualTo(1_000_000L);
    assertThat(TimeFormat.patternResolutionNanos("HH:mm:ss n")).as("nano of second").isEqualTo(1L);
    assertThat(TimeFormat.patternResolutionNanos("N")).as("nano of day").isEqualTo(1L);
    assertThat(TimeFormat.patternResolutionNanos("A")).as("milli of day").isEqualTo(1_000_000L);
  }

  /** The UDP size bound is checked at start-up against this: it must see the longest names. */
  @Test
  void theLongestTextCoversTheLongestMonthAndWeekdayNames() {
    assertThat(TimeFormat.parse("MMMM", ZoneOffset.UTC).maxLength()).isEqualTo("September".length());
    assertThat(TimeFormat.parse("EEEE", ZoneOffset.UTC).maxLength()).isEqualTo("Wednesday".length());
    assertThat(TimeFormat.parse("ctime", ZoneOffset.UTC).maxLength()).isEqualTo("Tue Jan  9 21:14:00 2018".length());
    assertThat(TimeFormat.parse("epoch-ns", ZoneOffset.UTC).maxLength()).isEqualTo(19);
  }

  @Test
  void aFormatIsShownAsItWasGiven() {
    assertThat(TimeFormat.parse("iso", ZoneOffset.UTC)).hasToString("iso");
    assertThat(TimeFormat.parse("HH:mm", ZoneOffset.UTC)).hasToString("HH:mm");
  }

  @Test
  void aBadPatternIsRejectedWithItsNameAndTheChoices() {
    assertThatThrownBy(() -> TimeFormat.parse("HH:mm:bb", ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad time format 'HH:mm:bb'")
        .hasMessageContaining("ctime, iso, rfc3339");
    assertThatThrownBy(() -> TimeFormat.parse("", ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }
}
