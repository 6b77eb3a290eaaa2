package io.tsecho.junit;

import static io.tsecho.junit.Clients.connect;
import static io.tsecho.junit.Clients.exchange;
import static io.tsecho.junit.Clients.readLine;
import static io.tsecho.junit.Clients.send;
import static io.tsecho.junit.Clients.udp;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.testing.MutableClock;
import java.net.DatagramSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** A clock the test holds gives replies whose every byte the test knows. */
@Execution(ExecutionMode.CONCURRENT)
class FrozenClockTest {
  private static final Instant T0 = Instant.parse("2018-01-09T21:14:00.123456789Z");

  @RegisterExtension final TsechoExtension ctime = new TsechoExtension()
      .clock(Clock.fixed(T0, ZoneOffset.UTC)).zone("UTC");

  @RegisterExtension final TsechoExtension iso = new TsechoExtension()
      .clock(Clock.fixed(T0, ZoneOffset.UTC)).timeFormat("iso").zone("+05:30").framing("raw");

  private final MutableClock clock = new MutableClock(T0);

  @RegisterExtension final TsechoExtension daytime = new TsechoExtension().service("daytime").clock(clock).zone("UTC");

  @Test
  void aFixedClockGivesExactBytesOnTcpAndUdp() throws Exception {
    try (Socket s = connect(ctime)) {
      send(s, "hello\n");
      assertThat(readLine(s.getInputStream())).isEqualTo("[Tue Jan  9 21:14:00 2018] hello\n");
    }
    try (DatagramSocket udp = udp()) {
      assertThat(exchange(udp, ctime, "hello")).isEqualTo("[Tue Jan  9 21:14:00 2018] hello");
    }
  }

  @Test
  void formatZoneAndFramingAreTheExtensionsToChoose() throws Exception {
    String expected = "[2018-01-10T02:44:00.123456+05:30] no newline";
    try (Socket s = connect(iso)) {
      send(s, "no newline");
      assertThat(new String(s.getInputStream().readNBytes(expected.length()), ISO_8859_1)).isEqualTo(expected);
    }
    assertThat(iso.received()).containsExactly("no newline");
  }

  @Test
  void aClockTheTestMovesMovesTheStamps() throws Exception {
    try (Socket s = connect(daytime)) {
      assertThat(readLine(s.getInputStream())).isEqualTo("Tue Jan  9 21:14:00 2018\r\n");
    }
    clock.advance(Duration.ofDays(366));
    try (DatagramSocket udp = udp()) {
      assertThat(exchange(udp, daytime, "?")).isEqualTo("Thu Jan 10 21:14:00 2019\r\n");
    }
  }
}
