package io.tsecho.internal.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import java.util.concurrent.TimeUnit;

/**
 * An embedded channel whose clock stands still from before its first handler runs; tests move it
 * with {@code advanceTimeBy}. {@code EmbeddedChannel.freezeTime} works only once the channel is
 * registered, and by then a handler may have set a deadline from the running clock: a test that
 * stops just short of it would find it passed whenever the machine paused in between.
 */
class FrozenTimeChannel extends EmbeddedChannel {
  private final FrozenTicker ticker;

  FrozenTimeChannel(ChannelHandler... handlers) {
    this(EmbeddedChannel.builder().handlers(handlers));
  }

  /** For a subclass that sets other options, such as registering later; the builder's ticker is replaced. */
  FrozenTimeChannel(EmbeddedChannel.Builder builder) {
    this(builder, new FrozenTicker(System.nanoTime()));
  }

  private FrozenTimeChannel(EmbeddedChannel.Builder builder, FrozenTicker ticker) {
    super(builder.ticker(ticker));
    this.ticker = ticker;
  }

  @Override
  public void advanceTimeBy(long duration, TimeUnit unit) {
    ticker.advance(duration, unit);
  }

  /** Nothing to do: the clock is frozen from the start. */
  @Override
  public void freezeTime() {}

  @Override
  public void unfreezeTime() {
    throw new UnsupportedOperationException("this channel's clock moves only by advanceTimeBy");
  }

  /** Starts at the machine's monotonic time, as Netty's own frozen clock does, so no reading is zero. */
  private static final class FrozenTicker implements MockTicker {
    private long nanoTime;

    FrozenTicker(long startNanos) {
      this.nanoTime = startNanos;
    }

    @Override
    public long nanoTime() {
      return nanoTime;
    }

    @Override
    public void advance(long amount, TimeUnit unit) {
      nanoTime += unit.toNanos(amount);
    }

    @Override
    public void sleep(long delay, TimeUnit unit) {
      advance(delay, unit);
    }
  }
}
