package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.tsecho.config.Fault;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The faults one TCP connection drew, applied to what the service writes: held replies (latency),
 * a byte rate (bandwidth), small flushed pieces (slice), silence (stall), an early end (limit,
 * reset), a late close (slow-close) or a reset at once (refuse). Replies it holds stay counted by the
 * channel's write-buffer watermark, so backpressure and the server's budget still see them.
 */
final class TcpFaultHandler extends ChannelDuplexHandler {
  /** The pause between slices, so that each reaches the client as a read of its own. */
  static final long SLICE_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /**
   * A bandwidth bucket holds a quarter of a second's bytes: small enough that the rate holds over
   * short spans. The pump waits for half a bucket, so a timer up to an eighth of a second late on a
   * busy machine costs no rate (below 8 bytes per second the bucket is one byte, with no spare half).
   */
  static final int BANDWIDTH_BURSTS_PER_SECOND = 4;

  private final Faults faults;
  private Fault latency;
  private Fault bandwidth;
  private Fault slice;
  private Fault limit;
  private Fault reset;
  private Fault slowClose;
  private boolean stall;
  private boolean refuse;

  /** Writes held back, with when each may go; in order. */
  private PendingWriteQueue held;
  private final ArrayDeque<Long> dueNanos = new ArrayDeque<>();
  private long lastDueNanos;
  private Future<?> pump;
  private boolean started;

  /** Reply bytes handed to the socket so far. */
  private long sent;
  /** Reply bytes the service has counted, and replies, for reset after N replies. */
  private long counted;
  private long replies;
  /** Where the reply bytes must stop and the connection end; -1 while no limit is known. */
  private long endAt = -1;
  private boolean ended;

  private double tokens;
  private long tokensAtNanos;
  private int gatesLeft;

  TcpFaultHandler(Faults faults, List<Fault> drawn, int gates) {
    this.faults = faults;
    this.gatesLeft = gates;
    for (Fault f : drawn) {
      switch (f.kind()) {
        case LATENCY -> latency = f;
        case BANDWIDTH -> bandwidth = f;
        case SLICE -> slice = f;
        case LIMIT -> limit = f;
        case RESET -> reset = f;
        case SLOW_CLOSE -> slowClose = f;
        case STALL -> stall = true;
        case REFUSE -> refuse = true;
        default -> throw new IllegalArgumentException(f + " is not a TCP fault");
      }
      faults.recordApplied(f.kind());
    }
    if (limit != null) {
      endAt = limit.amount();
    }
  }

  /** Whether every write goes through the queue: something shapes or cuts the replies. */
  private boolean shapes() {
    return latency != null || bandwidth != null || slice != null || limit != null || reset != null;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    start(ctx);
    if (ctx.channel().isActive()) {
      super.channelActive(ctx);
    }
  }

  /**
   * Starts the connection's faults once the gates in front have passed: a reset or refusal hits the
   * service's connection, after its PROXY header and TLS handshake, never the handshake itself.
   */
  private void start(ChannelHandlerContext ctx) {
    if (started || gatesLeft > 0) {
      return;
    }
    started = true;
    if (refuse || (reset != null && reset.amount() == 0)) {
      resetNow(ctx, refuse ? Fault.Kind.REFUSE : Fault.Kind.RESET);
    }
  }

  /** Called by the service for each reply it makes, before it writes it. */
  void replied(long bytes) {
    counted += bytes;
    replies++;
    if (reset != null && reset.amount() > 0 && replies == reset.amount() && (endAt < 0 || counted < endAt)) {
      endAt = counted;
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (stall || ended) {
      ReferenceCountUtil.release(msg);
      promise.trySuccess();
      return;
    }
    if (!shapes() || !(msg instanceof ByteBuf)) {
      ctx.write(msg, promise);
      return;
    }
    if (held == null) {
      held = new PendingWriteQueue(ctx);
    }
    long now = ctx.executor().ticker().nanoTime();
    long due = now;
    if (latency != null) {
      due = Math.max(lastDueNanos, now + latency.duration().toNanos() + faults.jitterNanos(latency.jitter().toNanos()));
    }
    lastDueNanos = due;
    held.add(msg, promise);
    dueNanos.add(due);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (held != null && !held.isEmpty()) {
      if (pump == null) {
        pump(ctx);
      }
    } else {
      ctx.flush();
    }
  }

  /** Sends what may go now, and schedules itself for the rest. */
  private void pump(ChannelHandlerContext ctx) {
    pump = null;
    while (!ended && held != null && !held.isEmpty()) {
      long now = ctx.executor().ticker().nanoTime();
      long due = dueNanos.peek();
      if (due > now) {
        schedule(ctx, due - now);
        return;
      }
      ByteBuf head = (ByteBuf) held.current();
      long allowed = head.readableBytes();
      if (slice != null) {
        allowed = Math.min(allowed, slice.amount());
      }
      if (endAt >= 0) {
        allowed = Math.min(allowed, endAt - sent);
      }
      if (bandwidth != null) {
        refill(now);
        // a slice waits for all its bytes, so that every piece is exactly the slice's size
        long wanted = Math.min(allowed, slice != null ? capacity() : Math.max(1, capacity() / 2));
        if (tokens + 1e-6 < wanted) { // the epsilon absorbs rounding in the refill
          schedule(ctx, (long) Math.ceil((wanted - tokens) * 1e9 / bandwidth.amount()));
          return;
        }
        allowed = Math.min(allowed, (long) (tokens + 1e-6));
        tokens = Math.max(0, tokens - allowed);
      }
      if (allowed == head.readableBytes()) {
        dueNanos.poll();
        ByteBuf last = head.readRetainedSlice((int) allowed);
        ctx.write(last, held.remove()); // remove() releases the queued buffer; its last slice is retained
      } else if (allowed > 0) {
        ctx.write(head.readRetainedSlice((int) allowed), ctx.voidPromise());
      }
      sent += allowed;
      ctx.flush();
      if (endAt >= 0 && sent >= endAt) {
        end(ctx);
        return;
      }
      if (slice != null) {
        schedule(ctx, SLICE_GAP_NANOS);
        return;
      }
    }
  }

  private long capacity() {
    return Math.max(1, bandwidth.amount() / BANDWIDTH_BURSTS_PER_SECOND);
  }

  private void refill(long now) {
    if (tokensAtNanos == 0) {
      tokensAtNanos = now;
      tokens = capacity();
      return;
    }
    tokens = Math.min(capacity(), tokens + (now - tokensAtNanos) * bandwidth.amount() / 1e9);
    tokensAtNanos = now;
  }

  private void schedule(ChannelHandlerContext ctx, long delayNanos) {
    pump = ctx.executor().schedule(() -> pump(ctx), delayNanos, TimeUnit.NANOSECONDS);
  }

  /** The replies reached their limit: what is left is dropped, and the connection ends once the rest is written. */
  private void end(ChannelHandlerContext ctx) {
    ended = true;
    dropHeld();
    boolean resets = reset != null && (limit == null || sent < limit.amount());
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
      if (resets) {
        resetNow(ctx, Fault.Kind.RESET);
      } else {
        ctx.fireUserEventTriggered(new FaultClose(Fault.Kind.LIMIT));
        ctx.close();
      }
    });
  }

  /** Closes with a TCP reset: SO_LINGER 0 makes close() send RST instead of FIN. */
  private void resetNow(ChannelHandlerContext ctx, Fault.Kind kind) {
    ended = true;
    dropHeld();
    ctx.fireUserEventTriggered(new FaultClose(kind));
    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
    ctx.close();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == GatePassed.INSTANCE && gatesLeft > 0) {
      gatesLeft--;
      ctx.fireUserEventTriggered(evt); // on to the service's starter, which counts the gates too
      start(ctx);
      return;
    }
    if (slowClose != null && evt instanceof ChannelInputShutdownEvent) {
      ctx.executor().schedule(() -> {
        ctx.fireUserEventTriggered(evt);
      }, slowClose.duration().toNanos(), TimeUnit.NANOSECONDS);
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  private void dropHeld() {
    if (pump != null) {
      pump.cancel(false);
      pump = null;
    }
    if (held != null) {
      held.removeAndFailAll(new ClosedChannelException());
      dueNanos.clear();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    dropHeld();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    dropHeld();
  }

  /** Tells the service why its connection is about to end: a fault, not the client. */
  record FaultClose(Fault.Kind kind) {}
}
