package io.tsecho.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ReplyCheckTest {
  private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

  private static byte[] reply(long epochMillis, byte[] payload) {
    String stamp = LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneId.systemDefault()).format(CTIME);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("[" + stamp + "] ").getBytes());
    out.writeBytes(payload);
    return out.toByteArray();
  }

  @Test
  void aStampOfNowAndThePayloadsBytesAreRight() {
    byte[] payload = Payload.of("churn", 1, 0, 100);
    long now = System.currentTimeMillis();
    assertThat(new ReplyCheck().problem(reply(now, payload), payload, now)).isNull();
  }

  @Test
  void oneChangedByteIsWrong() {
    byte[] payload = Payload.of("churn", 1, 0, 100);
    long now = System.currentTimeMillis();
    byte[] reply = reply(now, payload);
    reply[reply.length - 1] ^= 1;
    assertThat(new ReplyCheck().problem(reply, payload, now)).startsWith("expected [stamp] 'churn 1 0 ");
  }

  @Test
  void aReplyToAnotherRequestOrAShorterOneIsWrong() {
    byte[] payload = Payload.of("slow", 1, 5, 63);
    long now = System.currentTimeMillis();
    assertThat(new ReplyCheck().problem(reply(now, Payload.of("slow", 1, 6, 63)), payload, now)).isNotNull();
    byte[] cut = reply(now, java.util.Arrays.copyOf(payload, 62));
    assertThat(new ReplyCheck().problem(cut, payload, now)).isNotNull();
  }

  @Test
  void aStampFromBeforeTheRequestOrFromTheFutureIsWrong() {
    byte[] payload = Payload.of("churn", 1, 0, 40);
    long now = System.currentTimeMillis();
    assertThat(new ReplyCheck().problem(reply(now - 60_000, payload), payload, now)).contains("is not a time between");
    assertThat(new ReplyCheck().problem(reply(now + 60_000, payload), payload, now)).contains("is not a time between");
  }

  @Test
  void aReplyWithoutAStampIsWrong() {
    byte[] payload = Payload.of("churn", 1, 0, 40);
    assertThat(new ReplyCheck().problem(payload, payload, System.currentTimeMillis())).startsWith("expected a stamped reply");
  }
}
