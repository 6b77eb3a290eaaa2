package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import io.tsecho.config.Fault;
import io.tsecho.config.Protocol;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The faults of one UDP listener, drawn per datagram: a reply dropped, duplicated, delayed, held
 * until the next one (reorder) or cut short (truncate). One instance per listener, on its event loop.
 */
final class DatagramFaults {
  /** A reply held for reordering goes out alone after this long when no other reply follows. */
  static final long REORDER_HOLD_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Faults faults;
  private DatagramPacket heldForReorder;
  private Future<?> heldTimer;

  DatagramFaults(Faults faults) {
    this.faults = faults;
  }

  /** Whether a fault may hit replies now; nothing is drawn per datagram otherwise. */
  boolean active() {
    return faults.anyFor(Protocol.UDP);
  }

  /**
   * Sends {@code reply} as the faults this datagram drew say; owns it.
   *
   * @param secondReplyAllowed whether the rate limits leave room for a duplicate
   */
  void send(ChannelHandlerContext ctx, DatagramPacket reply, SecondReply secondReplyAllowed) {
    List<Fault> drawn = faults.draw(Protocol.UDP);
    Fault delay = null;
    boolean duplicate = false;
    boolean reorder = false;
    for (Fault f : drawn) {
      faults.recordApplied(f.kind());
      switch (f.kind()) {
        case DROP -> {
          reply.release();
          return;
        }
        case TRUNCATE -> {
          ByteBuf content = reply.content();
          if (content.readableBytes() > f.amount()) {
            content.writerIndex(content.readerIndex() + (int) f.amount());
          }
        }
        case DELAY -> delay = f;
        case DUPLICATE -> duplicate = secondReplyAllowed.take();
        case REORDER -> reorder = true;
        default -> throw new IllegalStateException(f + " is not a UDP fault");
      }
    }
    DatagramPacket copy = duplicate ? reply.retainedDuplicate() : null;
    if (delay != null) {
      ctx.executor().schedule(() -> {
        write(ctx, reply, copy, false);
        ctx.flush();
      }, delay.duration().toNanos(), TimeUnit.NANOSECONDS);
      return;
    }
    write(ctx, reply, copy, reorder);
  }

  private void write(ChannelHandlerContext ctx, DatagramPacket reply, DatagramPacket copy, boolean reorder) {
    if (reorder && heldForReorder == null) {
      heldForReorder = reply; // a duplicate, if any, goes now: only the first copy is held
      if (copy != null) {
        ctx.write(copy, ctx.voidPromise());
      }
      heldTimer = ctx.executor().schedule(() -> releaseHeld(ctx), REORDER_HOLD_NANOS, TimeUnit.NANOSECONDS);
      return;
    }
    ctx.write(reply, ctx.voidPromise());
    if (copy != null) {
      ctx.write(copy, ctx.voidPromise());
    }
    releaseHeld(ctx);
  }

  /** The held reply goes out after the reply that followed it, or alone when none came. */
  private void releaseHeld(ChannelHandlerContext ctx) {
    if (heldForReorder != null) {
      DatagramPacket held = heldForReorder;
      heldForReorder = null;
      if (heldTimer != null) {
        heldTimer.cancel(false);
        heldTimer = null;
      }
      ctx.writeAndFlush(held, ctx.voidPromise());
    }
  }

  /** Drops what is held when the listener closes. */
  void close() {
    if (heldTimer != null) {
      heldTimer.cancel(false);
    }
    if (heldForReorder != null) {
      heldForReorder.release();
      heldForReorder = null;
    }
  }

  /** Asks the rate limits for room for one more reply to the same sender. */
  @FunctionalInterface
  interface SecondReply {
    boolean take();
  }
}
