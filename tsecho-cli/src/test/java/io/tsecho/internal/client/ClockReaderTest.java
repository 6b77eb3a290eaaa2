package io.tsecho.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.internal.client.ClockReader.ParsedDaytime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Daytime texts as RFC 867 servers send them, read through the stamp parser. */
class ClockReaderTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  @Test
  void ctimeIsReadInTheLocalZoneToTheSecond() {
    ParsedDaytime p = ClockReader.parseDaytime("Tue Jan  9 21:14:00 2018", PARIS);
    assertThat(p.instant()).isEqualTo(Instant.parse("2018-01-09T20:14:00Z"));
    assertThat(p.resolution()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.how()).isEqualTo("ctime, read in the local zone Europe/Paris");
  }

  @Test
  void isoAndRfc3339KeepTheirFraction() {
    ParsedDaytime iso = ClockReader.parseDaytime("2018-01-10T02:44:00.123+05:30", ZoneOffset.UTC);
    assertThat(iso.instant()).isEqualTo(Instant.parse("2018-01-09T21:14:00.123Z"));
    assertThat(iso.resolution()).isEqualTo(Duration.ofMillis(1));
    assertThat(iso.how()).isEqualTo("ISO-8601");
    ParsedDaytime rfc3339 = ClockReader.parseDaytime("2018-01-09T21:14:00.123456Z", ZoneOffset.UTC);
    assertThat(rfc3339.resolution()).isEqualTo(Duration.ofNanos(1_000));
    assertThat(rfc3339.how()).isEqualTo("RFC 3339");
  }

  @Test
  void epochSecondsAndRfc1123AreRead() {
    ParsedDaytime epoch = ClockReader.parseDaytime("1515532440", PARIS);
    assertThat(epoch.instant()).isEqualTo(Instant.parse("2018-01-09T21:14:00Z"));
    assertThat(epoch.how()).isEqualTo("epoch seconds");
    ParsedDaytime rfc1123 = ClockReader.parseDaytime("Tue, 9 Jan 2018 21:14:00 GMT", PARIS);
    assertThat(rfc1123.instant()).isEqualTo(Instant.parse("2018-01-09T21:14:00Z"));
    assertThat(rfc1123.how()).isEqualTo("RFC 1123");
  }

  @Test
  void textThatIsNoTimeIsNullNeverAnException() {
    assertThat(ClockReader.parseDaytime("teatime", PARIS)).isNull();
    assertThat(ClockReader.parseDaytime("9999999999999999999", PARIS)).as("beyond a long").isNull();
    assertThat(ClockReader.parseDaytime("", PARIS)).isNull();
  }
}
