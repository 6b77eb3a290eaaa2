package io.tsecho.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PayloadTest {
  @Test
  void aPayloadNamesItsRequestAndCarriesEveryByteButTheNewline() {
    Set<Integer> bytes = new HashSet<>();
    for (long seq = 0; seq < 10; seq++) {
      byte[] p = Payload.of("churn", 42, seq, 300);
      assertThat(p).hasSize(300);
      assertThat(new String(p, 0, 12, StandardCharsets.US_ASCII)).startsWith("churn 42 " + seq + " ");
      for (byte b : p) {
        bytes.add(b & 0xff);
      }
    }
    assertThat(bytes).doesNotContain((int) '\n').contains(0, (int) '\r', 0x80, 0xff);
  }

  @Test
  void theSameRequestIsAlwaysTheSameBytesAndALineEndsInOneNewline() {
    assertThat(Payload.of("slow", 3, 17, 63)).isEqualTo(Payload.of("slow", 3, 17, 63))
        .isNotEqualTo(Payload.of("slow", 3, 18, 63));
    byte[] line = Payload.line("slow", 3, 17, 63);
    assertThat(line).hasSize(64);
    assertThat(line[63]).isEqualTo((byte) '\n');
  }

  @Test
  void aHeaderLongerThanTheLengthIsKeptWhole() {
    assertThat(new String(Payload.of("stall", 123456, 1, 4), StandardCharsets.US_ASCII)).isEqualTo("stall 123456 1 ");
  }
}
