package io.tsecho.client.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One connection's (or UDP socket's) side of a load run: sends requests up to the depth, in one
 * write per batch, and checks every reply against the request it answers. Lives on one event loop;
 * no allocation per request beyond the pooled buffer of each batch, and the shared counters are
 * updated once per read batch rather than once per reply.
 */
abstract class LoadConnection extends ChannelInboundHandlerAdapter {
  protected final BenchRun run;
  protected final Payloads payloads;
  protected final ReplyMatcher matcher;
  private final int id;
  private long nextSeq;
  private long reportedMissing;
  /** Requests in flight as last added to the run's count. */
  private int publishedInFlight;
  /** Measured replies matched since the counters were last published. */
  private long unpublishedOk;
  /** One reply line copied out of its buffer, so it is checked with plain array reads. */
  private byte[] line = new byte[256];
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
      publishCounts();
      flush(batch);
    }
  }

  /** Ends a read batch: publishes what its replies changed, then sends what they made room for. */
  protected final void readBatchDone() {
    publishCounts();
    send();
  }

  /** A buffer for the requests of one batch. */
  protected abstract ByteBuf newBatch();

  /** Adds one request to the batch; returns the batch to add the next one to. */
  protected abstract ByteBuf write(ByteBuf batch, long seq);

  /** Writes and flushes the batch. */
  protected abstract void flush(ByteBuf batch);

  /** Checks one reply: {@code length} bytes at {@code index}, its newline excluded; -1 for a malformed reply. */
  protected final void reply(ByteBuf buf, int index, int length, long nowNanos) {
    long seq = -1;
    if (length >= 0) {
      if (length > line.length) {
        line = new byte[length]; // once per connection, for requests over 256 bytes or an odd reply
      }
      buf.getBytes(index, line, 0, length);
      int payloadStart = run.stamped() ? stampEnd(line, length) : 0;
      if (payloadStart >= 0) {
        seq = payloads.sequenceOf(line, payloadStart, length - payloadStart);
      }
    }
    int before = matcher.outstanding();
    switch (matcher.reply(seq)) {
      case OK:
        if (run.answered(matcher.matchedStart(), nowNanos)) {
          unpublishedOk++;
        }
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
    if (matcher.outstanding() < before - 1) {
      publishCounts(); // requests were skipped: count them missing at once
    }
  }

  /** Index just past the "] " closing a stamp, or -1 if the reply does not open with one. */
  private static int stampEnd(byte[] line, int length) {
    if (length < 3 || line[0] != '[') {
      return -1;
    }
    for (int i = 1; i < length - 1; i++) {
      if (line[i] == ']' && line[i + 1] == ' ') {
        return i + 2;
      }
    }
    return -1;
  }

  /** Gives up on requests older than the reply time-out. Event loop only. */
  final void expire(long nowNanos) {
    matcher.expire(nowNanos - run.options.replyTimeout().toNanos());
    publishCounts();
  }

  /** The run is over or the connection is gone: what is still outstanding is missing. */
  final void abandon() {
    matcher.abandon();
    publishCounts();
  }

  /** Brings the run's shared counts up to date with this connection's. */
  private void publishCounts() {
    int inFlight = matcher.outstanding();
    if (inFlight != publishedInFlight) {
      run.inFlight.addAndGet(inFlight - publishedInFlight);
      publishedInFlight = inFlight;
    }
    if (unpublishedOk > 0) {
      run.ok.add(unpublishedOk);
      unpublishedOk = 0;
    }
    long missing = matcher.missing();
    if (missing > reportedMissing) {
      run.missing.add(missing - reportedMissing);
      reportedMissing = missing;
    }
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
