package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrozenTimeChannelTest {
  private EmbeddedChannel channel;

  /**
   * Sets a deadline 10 s away as the connection opens, as the services' close time-outs do, and
   * then the machine pauses before the channel's set-up ends.
   */
  private static final class DeadlineOnOpen extends ChannelInboundHandlerAdapter {
    final AtomicBoolean due = new AtomicBoolean();

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws InterruptedException {
      ctx.executor().schedule(() -> due.set(true), 10, TimeUnit.SECONDS);
      Thread.sleep(20);
      ctx.fireChannelActive();
    }
  }

  @AfterEach
  void release() {
    channel.finishAndReleaseAll();
  }

  private void advance(long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  /** The handler's deadline falls due exactly 10 s after the channel opened, not a millisecond sooner. */
  private void assertDueAfterExactlyTenSeconds(DeadlineOnOpen handler) {
    advance(9_999);
    assertThat(handler.due).isFalse();
    advance(1);
    assertThat(handler.due).isTrue();
  }

  @Test
  void aDeadlineSetAsTheChannelOpensIsExactlyItsDelayAwayHoweverLongTheMachinePauses() {
    DeadlineOnOpen handler = new DeadlineOnOpen();
    channel = new FrozenTimeChannel(handler);
    assertDueAfterExactlyTenSeconds(handler);
  }

  @Test
  void aChannelRegisteredAfterItsConstructorIsFrozenToo() {
    DeadlineOnOpen handler = new DeadlineOnOpen();
    channel = new HalfClosingChannel(handler);
    assertDueAfterExactlyTenSeconds(handler);
  }

  @Test
  void freezingDoesNothingAndUnfreezingOrMovingTimeBackIsRefused() {
    channel = new FrozenTimeChannel();
    channel.freezeTime();
    long now = channel.eventLoop().ticker().nanoTime();
    assertThatThrownBy(channel::unfreezeTime).isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("this channel's clock moves only by advanceTimeBy");
    assertThatThrownBy(() -> channel.advanceTimeBy(-1, TimeUnit.MILLISECONDS))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("time only moves forward: -1 MILLISECONDS");
    assertThat(channel.eventLoop().ticker().nanoTime()).isEqualTo(now);
  }
}
