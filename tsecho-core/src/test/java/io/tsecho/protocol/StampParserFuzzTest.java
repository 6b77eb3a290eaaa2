package io.tsecho.protocol;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tsecho.protocol.StampParser.Stamp;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * The stamp parser, on the server's own stamps and on any text.
 *
 * <p>Input: a format (byte 0, one of {@link #FORMATS}), a zone (byte 1, one of {@link #ZONES}), a
 * moment (bytes 2 to 13: seconds as a long, then nanoseconds as an int, folded into the clock readings
 * every format can carry), then any bytes as the reply's payload. The whole input, read as UTF-8 and as
 * Latin-1, is also parsed as a stamp and as a reply.
 */
class StampParserFuzzTest {
  private static final List<String> FORMATS = List.of("ctime", "iso", "rfc3339", "epoch-s", "epoch-ms", "epoch-us", "epoch-ns");
  private static final List<ZoneId> ZONES = List.of(ZoneOffset.UTC, ZoneOffset.ofHoursMinutes(5, 30), ZoneOffset.ofHoursMinutes(-9, -30),
      ZoneId.of("Europe/Paris"), ZoneId.of("America/New_York"), ZoneId.of("Australia/Lord_Howe"));

  /**
   * Epoch stamps are told apart by their digit count, which holds from 1973-03-03T09:46:40Z (the first
   * 12-digit millisecond count) until 2262-04-11 (the last nanosecond count a long holds).
   */
  private static final long FIRST = 100_000_000_000L / 1000;
  private static final long LAST = Instant.parse("2262-04-11T00:00:00Z").getEpochSecond();

  @FuzzTest
  void readsBackEveryStampTheServerWrites(byte[] input) {
    ByteBuffer in = ByteBuffer.wrap(Arrays.copyOf(input, Math.max(input.length, 14)));
    String name = FORMATS.get(Byte.toUnsignedInt(in.get()) % FORMATS.size());
    ZoneId zone = ZONES.get(Byte.toUnsignedInt(in.get()) % ZONES.size());
    long epochSecond = FIRST + Math.floorMod(in.getLong(), LAST - FIRST);
    int nano = Math.floorMod(in.getInt(), 1_000_000_000);
    String payload = new String(input, Math.min(input.length, 14), Math.max(0, input.length - 14), ISO_8859_1);

    TimeFormat format = TimeFormat.parse(name, zone);
    String text = format.format(epochSecond, nano);
    StampParser parser = new StampParser(zone);
    Stamp stamp = parser.parseReply("[" + text + "] " + payload);

    assertThat(stamp).as("stamp '%s'", text).isNotNull();
    assertThat(stamp.format()).isEqualTo(name);
    assertThat(stamp.resolution()).isEqualTo(Duration.ofNanos(format.resolutionNanos()));
    Instant truncated = Instant.ofEpochSecond(epochSecond, nano - nano % format.resolutionNanos());
    if (name.equals("ctime") && !(zone instanceof ZoneOffset)) {
      // ctime carries no offset: in the hour a region's clocks fall back, two instants read the same.
      assertThat(format.format(stamp.instant().getEpochSecond(), 0)).isEqualTo(text);
    } else {
      assertThat(stamp.instant()).as("stamp '%s'", text).isEqualTo(truncated);
    }

    for (String any : List.of(new String(input, UTF_8), new String(input, ISO_8859_1))) {
      assertIsAStampOrNull(parser, any);
    }
  }

  /** Any text: never an exception; a reply's stamp is the stamp of the text in its brackets. */
  private static void assertIsAStampOrNull(StampParser parser, String text) {
    Stamp stamp = parser.parse(text);
    if (stamp != null) {
      assertThat(FORMATS).contains(stamp.format());
      assertThat(stamp.resolution()).isBetween(Duration.ofNanos(1), Duration.ofSeconds(1));
    }
    Stamp reply = parser.parseReply(text);
    if (reply != null) {
      assertThat(reply).isEqualTo(parser.parse(text.substring(1, text.indexOf("] "))));
    }
  }
}
