package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BuffersTest {

  @Test
  void appendCopiesTheRangeAfterWhatIsThereAndGrowsTheTarget() {
    ByteBuf from = ByteBufAllocator.DEFAULT.directBuffer(16)
        .writeBytes("xxhello\n\0\377yy".getBytes(StandardCharsets.ISO_8859_1));
    ByteBuf to = ByteBufAllocator.DEFAULT.directBuffer(4, 64).writeBytes("[t] ".getBytes(StandardCharsets.US_ASCII));
    try {
      ByteBuf result = Buffers.append(to, from, 2, 8);
      assertThat(result).isSameAs(to);
      assertThat(ByteBufUtil.getBytes(to)).isEqualTo("[t] hello\n\0\377".getBytes(StandardCharsets.ISO_8859_1));
      assertThat(from.readerIndex()).as("the source is only read").isZero();
      assertThat(from.readableBytes()).isEqualTo(12);
    } finally {
      from.release();
      to.release();
    }
  }
}
