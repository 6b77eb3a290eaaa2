package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tsecho.testing.Replies;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RefuseHandlerTest {
  private static final String LINE = "tsecho error: too many connections (limit 1); closing\n";

  private final RefuseHandler refuse = new RefuseHandler(ErrorReplies.tooManyConnections(1));
  private EmbeddedChannel channel;

  @AfterEach
  void close() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private void advance(long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void theClientGetsItsLineThenTheServerHalfClosesAndDropsWhatItSends() {
    HalfClosingChannel c = new HalfClosingChannel(refuse);
    channel = c;
    assertThat(Replies.written(channel)).isEqualTo(LINE);
    assertThat(c.isOutputShutdown()).isTrue();
    assertThat(c.config().isAutoRead()).as("reads to the client's end, so that the close is no reset").isTrue();
    ByteBuf sent = Unpooled.copiedBuffer("hello\n", ISO_8859_1);
    c.writeInbound(sent);
    assertThat(sent.refCnt()).as("dropped and released").isZero();
    assertThat(c.isOpen()).isTrue();
    c.clientEndsInput();
    assertThat(c.isOpen()).isFalse();
  }

  @Test
  void aClientThatNeverClosesItsSideHasOneSecond() {
    HalfClosingChannel c = new HalfClosingChannel(refuse);
    channel = c;
    assertThat(Replies.written(channel)).isEqualTo(LINE);
    advance(999);
    assertThat(c.isOpen()).isTrue();
    advance(1);
    assertThat(c.isOpen()).isFalse();
  }

  @Test
  void withoutHalfCloseTheConnectionClosesOnceTheLineIsWritten() {
    channel = new FrozenTimeChannel(refuse);
    assertThat(Replies.written(channel)).isEqualTo(LINE);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aClientThatReadsNothingIsClosedAfterTheSecondAll() {
    SlowReaderChannel slow = new SlowReaderChannel(new WriteBufferWaterMark(64, 256));
    channel = slow;
    slow.pipeline().addLast(PipelineNames.REFUSE, refuse); // put in place once the connection is open
    assertThat(slow.queuedBytes()).isEqualTo(LINE.length());
    assertThat(slow.isOpen()).isTrue();
    advance(1_000);
    assertThat(slow.isOpen()).isFalse();
  }

  @Test
  void anErrorClosesTheConnection() {
    HalfClosingChannel c = new HalfClosingChannel(refuse);
    channel = c;
    c.pipeline().fireExceptionCaught(new java.io.IOException("Connection reset by peer"));
    assertThat(c.isOpen()).isFalse();
  }
}
