package io.tsecho.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class LineReaderTest {
  private static final long NO_LIMIT = Long.MAX_VALUE;

  @Test
  void linesComeBackWholeWhenTheBufferIsCompactedMidLine() throws IOException {
    // 91-byte lines read 512 bytes at a time: the 8 KiB buffer fills in the middle of line 90.
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    for (int i = 0; i < 1000; i++) {
      input.write(Payload.line("slow", 7, i, 90));
    }
    LineReader in = new LineReader(new ByteArrayInputStream(input.toByteArray()), Throttle.NONE, 512);
    for (int i = 0; i < 1000; i++) {
      assertThat(in.readLine(NO_LIMIT)).as("line %d", i).isEqualTo(Payload.of("slow", 7, i, 90));
    }
    assertThat(in.readLine(NO_LIMIT)).isNull();
  }

  @Test
  void aLineLongerThanTheBufferGrowsIt() throws IOException {
    byte[] line = Payload.line("long", 1, 1, 20_000);
    LineReader in = new LineReader(new ByteArrayInputStream(line), Throttle.NONE, 512);
    assertThat(in.readLine(NO_LIMIT)).isEqualTo(Payload.of("long", 1, 1, 20_000));
  }

  @Test
  void inputEndingInsideALineIsAnError() {
    LineReader in = new LineReader(new ByteArrayInputStream("[stamp] half".getBytes()), Throttle.NONE, 512);
    assertThatThrownBy(() -> in.readLine(NO_LIMIT)).isInstanceOf(EOFException.class).hasMessageContaining("'[stamp] half'");
  }

  @Test
  void theRestIncludesWhatWasBufferedAndSaysTheInputEnded() throws IOException {
    LineReader in = new LineReader(new ByteArrayInputStream("one\ntwo\nthree".getBytes()), Throttle.NONE, 512);
    assertThat(in.readLine(NO_LIMIT)).isEqualTo("one".getBytes());
    LineReader.Rest rest = in.readRest(NO_LIMIT);
    assertThat(rest.bytes()).isEqualTo("two\nthree".getBytes());
    assertThat(rest.ended()).isTrue();
  }
}
