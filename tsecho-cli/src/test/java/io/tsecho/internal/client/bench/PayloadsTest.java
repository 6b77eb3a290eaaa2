package io.tsecho.internal.client.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The exact bytes of a request, and which bytes read back as one. */
class PayloadsTest {
  private static String written(Payloads p, long seq) {
    ByteBuf buf = Unpooled.buffer();
    try {
      p.write(buf, seq);
      return buf.toString(US_ASCII);
    } finally {
      buf.release();
    }
  }

  @Test
  void aRequestIsConnectionSequenceSpaceFillerAndNewline() {
    assertThat(written(new Payloads(3, 32), 0x1f)).isEqualTo("000300000000001f rstuvwxyzabcde\n");
    assertThat(written(new Payloads(0xbeef, 18), 0xfedcba987654L)).isEqualTo("beeffedcba987654 \n");
    assertThat(new Payloads(3, 32).size()).isEqualTo(32);
  }

  @Test
  void eachLowerCaseHexDigitReadsBackAndItsNeighboursDoNot() {
    Payloads p = new Payloads(3, 32);
    byte[] line = written(p, 0).getBytes(US_ASCII);
    String digits = "0123456789abcdef";
    for (int d = 0; d < 16; d++) {
      line[15] = (byte) digits.charAt(d);
      assertThat(p.sequenceOf(line, 0, 31)).as("digit %s", digits.charAt(d)).isEqualTo(d);
    }
    for (char outside : new char[] {'/', ':', '`', 'g', 'A', 'F', ' '}) {
      line[15] = (byte) outside;
      assertThat(p.sequenceOf(line, 0, 31)).as("byte '%s'", outside).isEqualTo(-1);
    }
  }

  @Test
  void aRequestOfAnotherConnectionOrWithOtherFillerIsNone() {
    Payloads p = new Payloads(3, 32);
    byte[] line = written(p, 7).getBytes(US_ASCII);
    assertThat(p.sequenceOf(line, 0, 31)).isEqualTo(7);
    line[3] = '4';
    assertThat(p.sequenceOf(line, 0, 31)).as("connection 4's").isEqualTo(-1);
    line[3] = '3';
    line[16] = '-';
    assertThat(p.sequenceOf(line, 0, 31)).as("no space after the digits").isEqualTo(-1);
    line[16] = ' ';
    line[30] = 'x';
    assertThat(p.sequenceOf(line, 0, 31)).as("the last filler byte").isEqualTo(-1);
  }
}
