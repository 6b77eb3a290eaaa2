package io.tsecho.client.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One connection's (or UDP socket's) side of a load run: sends requests up to the depth, in one
 * write per batch, and checks every reply against the request it answers. Lives on one event loop;
 * no allocation per request beyond the pooled buffer of each batch.
 */
abstract class LoadConnection extends ChannelInboundHandlerAdapter {
  protected final BenchRun run;
  protected final Payloads payloads;
  protected final ReplyMatcher matcher;
  private final int id;
  private long nextSeq;
  private long reportedMissing;
  protected ChannelHandlerContext ctx;

  LoadConnection(BenchRun run, int id) {
    this.run = run;
    this.id = id;
    this.payloads = new Payloads(id, run.options.size());
    this.matcher = new ReplyMatcher(run.options.depth());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Sends whatever the depth, the budget and (at a fixed rate) the schedule allow. Event loop only. */
  final void send() {
    if (ctx == null || !ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    int count = 0;
    int measured = 0;
    ByteBuf batch = null;
    while (!matcher.isFull()) {
      long start = now;
      if (run.schedule != null) {
        start = run.schedule.intendedNanos(id, nextSeq);
        if (start - now > 0) {
          break; // not due yet
        }
      }
      if (!run.takeRequest(start)) {
        break;
      }
      if (batch == null) {
        batch = newBatch();
      }
      batch = write(batch, nextSeq);
      matcher.sent(nextSeq, start);
      nextSeq++;
      count++;
      if (start - run.measureStartNanos >= 0) {
        measured++;
      }
    }
    if (count > 0) {
      run.requestsSent.add(count);
      run.bytesSent.add((long) measured * payloads.size());
      run.inFlight.addAndGet(count);
      flush(batch);
    }
  }

  /** A buffer for the requests of one batch. */
  protected abstract ByteBuf newBatch();

  /** Adds one request to the batch; returns the batch to add the next one to. */
  protected abstract ByteBuf write(ByteBuf batch, long seq);

  /** Writes and flushes the batch. */
  protected abstract void flush(ByteBuf batch);

  /** Checks one reply: {@code length} bytes at {@code index}, its newline excluded; -1 for a malformed reply. */
  protected final void reply(ByteBuf buf, int index, int length, long nowNanos) {
    int payloadIndex = index;
    int payloadLength = length;
    if (length >= 0 && run.stamped()) {
      int end = stampEnd(buf, index, length);
      if (end < 0) {
        payloadLength = -1;
      } else {
        payloadIndex = end;
        payloadLength = length - (end - index);
      }
    }
    long seq = payloadLength < 0 ? -1 : payloads.sequenceOf(buf, payloadIndex, payloadLength);
    int before = matcher.outstanding();
    switch (matcher.reply(seq)) {
      case OK:
        run.answered(matcher.matchedStart(), nowNanos);
        break;
      case WRONG:
        run.wrong.increment();
        break;
      case EXTRA:
        run.extra.increment();
        break;
      case LATE:
        run.late.increment();
        break;
      default:
        break;
    }
    settle(before);
  }

  /** Index just past the "] " closing a stamp, or -1 if the reply does not open with one. */
  private static int stampEnd(ByteBuf buf, int index, int length) {
    if (length < 3 || buf.getByte(index) != '[') {
      return -1;
    }
    int end = index + length - 1;
    for (int i = index + 1; i < end; i++) {
      if (buf.getByte(i) == ']' && buf.getByte(i + 1) == ' ') {
        return i + 2;
      }
    }
    return -1;
  }

  /** Gives up on requests older than the reply time-out. Event loop only. */
  final void expire(long nowNanos) {
    int before = matcher.outstanding();
    matcher.expire(nowNanos - run.options.replyTimeout().toNanos());
    settle(before);
  }

  /** Counts requests that left the matcher since {@code before}, and new missing ones. */
  private void settle(int before) {
    int done = before - matcher.outstanding();
    if (done > 0) {
      run.inFlight.addAndGet(-done);
    }
    long missing = matcher.missing();
    if (missing > reportedMissing) {
      run.missing.add(missing - reportedMissing);
      reportedMissing = missing;
    }
  }

  /** The run is over or the connection is gone: what is still outstanding is missing. */
  final void abandon() {
    int before = matcher.outstanding();
    matcher.abandon();
    settle(before);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (run.phase != BenchRun.Phase.DRAIN) {
      run.connectionsLost.increment();
    }
    abandon();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
