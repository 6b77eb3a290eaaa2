package io.tsecho.internal.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * An embedded channel whose clock stands still from before its first handler runs; tests move it
 * with {@code advanceTimeBy}. {@code EmbeddedChannel}'s constructors register the channel, and so
 * run its handlers' {@code channelActive}, before a test can call {@code freezeTime}: a deadline set
 * there came from the running clock, and a test that stopped just short of it found it passed
 * whenever the machine paused in between.
 */
class FrozenTimeChannel extends EmbeddedChannel {
  private final FrozenTicker ticker;

  FrozenTimeChannel(ChannelHandler... handlers) {
    this(EmbeddedChannel.builder().handlers(handlers));
  }

  /** For a subclass that sets other options, such as registering later; the builder's ticker is replaced. */
  FrozenTimeChannel(EmbeddedChannel.Builder builder) {
    this(builder, new FrozenTicker(Ticker.systemTicker().nanoTime()));
  }

  private FrozenTimeChannel(EmbeddedChannel.Builder builder, FrozenTicker ticker) {
    super(builder.ticker(ticker));
    this.ticker = ticker;
  }

  /** For a subclass built with {@code register(false)}: registers it once its own fields are set. */
  protected final void registerNow() {
    try {
      register();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
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

  /**
   * Starts where Netty's own frozen clock would, at the system ticker's reading: never zero, which
   * some handlers take for "not yet" (the fault handler's token refill).
   */
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
      if (amount < 0) {
        throw new IllegalArgumentException("time only moves forward: " + amount + " " + unit);
      }
      nanoTime += unit.toNanos(amount);
    }

    /** A handler that sleeps would block its event loop; as Netty's own frozen clock, refuse it. */
    @Override
    public void sleep(long delay, TimeUnit unit) {
      throw new UnsupportedOperationException("sleeping on an embedded channel's event loop");
    }
  }
}
