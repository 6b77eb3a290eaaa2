package io.tsecho.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.protocol.StampParser.Stamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StampParserTest {
  private final StampParser utc = new StampParser(ZoneOffset.UTC);

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "Tue Jan  9 21:14:00 2018              | 2018-01-09T21:14:00Z          | PT1S      | ctime",
    "Mon Nov 19 01:02:03 2018              | 2018-11-19T01:02:03Z          | PT1S      | ctime",
    "2018-01-09T21:14:00.123456+00:00      | 2018-01-09T21:14:00.123456Z   | PT0.000001S | iso",
    "2018-01-10T02:44:00.123+05:30         | 2018-01-09T21:14:00.123Z      | PT0.001S  | iso",
    "2018-01-09T21:14:00+01:00             | 2018-01-09T20:14:00Z          | PT1S      | iso",
    "2018-01-09T21:14:00.123456Z           | 2018-01-09T21:14:00.123456Z   | PT0.000001S | rfc3339",
    "2018-01-09T21:14:00.123456789Z        | 2018-01-09T21:14:00.123456789Z | PT0.000000001S | rfc3339",
    "1515532440                            | 2018-01-09T21:14:00Z          | PT1S      | epoch-s",
    "1515532440123                         | 2018-01-09T21:14:00.123Z      | PT0.001S  | epoch-ms",
    "1515532440123456                      | 2018-01-09T21:14:00.123456Z   | PT0.000001S | epoch-us",
    "1515532440123456789                   | 2018-01-09T21:14:00.123456789Z | PT0.000000001S | epoch-ns",
  })
  void readsEveryFormatWithItsResolution(String text, String instant, String resolution, String format) {
    Stamp s = utc.parse(text);
    assertThat(s).isNotNull();
    assertThat(s.instant()).isEqualTo(Instant.parse(instant));
    assertThat(s.resolution()).isEqualTo(Duration.parse(resolution));
    assertThat(s.format()).isEqualTo(format);
  }

  /** The digit count tells the unit: a stamp one digit longer or shorter than the next unit's is read right. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "99999999999         | 5138-11-16T09:46:39Z  | epoch-s",
    "100000000000        | 1973-03-03T09:46:40Z  | epoch-ms",
    "10000000000000      | 2286-11-20T17:46:40Z  | epoch-ms",
    "100000000000000     | 1973-03-03T09:46:40Z  | epoch-us",
    "10000000000000000   | 2286-11-20T17:46:40Z  | epoch-us",
    "100000000000000000  | 1973-03-03T09:46:40Z  | epoch-ns",
  })
  void epochCountsAreToldApartAtTheEdgesOfTheirDigitCounts(String digits, String instant, String format) {
    Stamp s = utc.parse(digits);
    assertThat(s.format()).isEqualTo(format);
    assertThat(s.instant()).isEqualTo(Instant.parse(instant));
  }

  @Test
  void ctimeIsReadInTheGivenZoneForItCarriesNone() {
    Stamp s = new StampParser(ZoneId.of("Asia/Kolkata")).parse("Wed Jan 10 02:44:00 2018");
    assertThat(s.instant()).isEqualTo(Instant.parse("2018-01-09T21:14:00Z"));
  }

  @Test
  void readsTheStampOfAWholeReply() {
    assertThat(utc.parseReply("[1515532440] tsecho ping 1\n").instant()).isEqualTo(Instant.parse("2018-01-09T21:14:00Z"));
    assertThat(utc.parseReply("[Tue Jan  9 21:14:00 2018] x").format()).isEqualTo("ctime");
  }

  @Test
  void whatIsNoStampIsNull() {
    assertThat(utc.parse("")).isNull();
    assertThat(utc.parse("yesterday")).isNull();
    assertThat(utc.parse("12345678901234567890123")).isNull();
    assertThat(utc.parseReply("no bracket")).isNull();
    assertThat(utc.parseReply("[unclosed")).isNull();
  }
}
