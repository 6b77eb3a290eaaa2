package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class FrozenTimeChannelTest {
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

  private static void advance(EmbeddedChannel channel, long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void aDeadlineSetAsTheChannelOpensIsExactlyItsDelayAwayHoweverLongTheMachinePauses() {
    DeadlineOnOpen handler = new DeadlineOnOpen();
    EmbeddedChannel channel = new FrozenTimeChannel(handler);
    advance(channel, 9_999);
    assertThat(handler.due).isFalse();
    advance(channel, 1);
    assertThat(handler.due).isTrue();
    channel.finishAndReleaseAll();
  }

  @Test
  void aChannelRegisteredAfterItsConstructorIsFrozenToo() {
    DeadlineOnOpen handler = new DeadlineOnOpen();
    HalfClosingChannel channel = new HalfClosingChannel(handler);
    advance(channel, 9_999);
    assertThat(handler.due).isFalse();
    advance(channel, 1);
    assertThat(handler.due).isTrue();
    channel.finishAndReleaseAll();
  }

  @Test
  void itsClockCannotBeSetRunning() {
    EmbeddedChannel channel = new FrozenTimeChannel();
    channel.freezeTime(); // already frozen: nothing happens
    assertThatThrownBy(channel::unfreezeTime).isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("this channel's clock moves only by advanceTimeBy");
    channel.finishAndReleaseAll();
  }
}
