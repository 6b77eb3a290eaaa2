package io.tsecho;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class MessageRecorderTest {
  @Test
  void keepsAtMostItsBytesAndCountsTheRest() {
    MessageRecorder recorder = new MessageRecorder();
    EmbeddedChannel channel = new EmbeddedChannel();
    int half = (int) (MessageRecorder.LIMIT_BYTES / 2);
    ByteBuf big = Unpooled.buffer(half + 1).writerIndex(half + 1);
    try {
      recorder.received(channel, null, big, 0, half + 1);
      recorder.received(channel, null, big, 0, half + 1);
      recorder.received(channel, null, big, 0, 10);
    } finally {
      big.release();
      channel.finishAndReleaseAll();
    }
    assertThat(recorder.snapshot()).extracting(m -> m.bytes().length).containsExactly(half + 1, 10);
    assertThat(recorder.dropped()).isEqualTo(1);
    recorder.clear();
    assertThat(recorder.snapshot()).isEmpty();
    assertThat(recorder.dropped()).isZero();
  }
}
