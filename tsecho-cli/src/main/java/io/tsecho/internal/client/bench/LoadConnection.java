package io.tsecho.internal.client.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One connection's (or UDP socket's) side of a load run: sends requests up to the depth, in one
 * write per batch, and checks every reply against the request it answers. Lives on one event loop
 * and counts into that loop's {@link LoopStats}; no allocation per request beyond the pooled buffer
 * of each batch.
 *
 * <p>In a closed loop each reply makes room for the next request. At a fixed rate a {@link Pacer}
 * releases this connection's requests at their intended times; latency counts from the intended
 * time, so a request that had to wait for room is charged for its wait.
 */
abstract class LoadConnection extends ChannelInboundHandlerAdapter {
  protected final BenchRun run;
  protected final Payloads payloads;
  protected final ReplyMatcher matcher;
  protected ChannelHandlerContext ctx;
  protected LoopStats stats;
  private long nextSeq;
  private long countedMissing;
  /** One reply line copied out of its buffer, so it is checked with plain array reads. */
  private byte[] line = new byte[256];
  /** Whoami only: which instances answered this connection; made at its first whoami reply. */
  private Instances.Tracker instances;
  // Set on the event loop by start().
  private boolean started;
  /** Measured requests this connection may still send in an -n run. */
  private long quota;
  private Pacer pacer;
  /** This connection's place among its pacer's. */
  private int paceIndex;
  /** At a fixed rate: how many of this connection's requests the pacer has released. */
  private long released;
  /**
   * Since when the depth has had room for a request: a request released while every slot was taken
   * waits for the server, not for the generator, so its send lag counts from here.
   */
  private long roomSinceNanos;
  /** No request will start any more: the time is up, the share is spent, the schedule is over, or the run stopped. */
  private boolean closed;
  /** The run is over for this connection; set once. */
  private boolean finished;
  /** The run is closing its connections: their end is not a loss. */
  private boolean abandoned;
  /** Over TLS 1.3, where the server may still refuse the client's certificate after the handshake. */
  private boolean tls13;
  private boolean anyReply;

  LoadConnection(BenchRun run, int id) {
    this.run = run;
    this.payloads = new Payloads(id, run.options.size());
    this.matcher = new ReplyMatcher(run.options.depth());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.stats = run.statsOf(ctx.channel().eventLoop());
  }

  /**
   * Starts sending. Event loop only.
   *
   * @param quota measured requests to send in an -n run (ignored in a timed run)
   * @param pacer the schedule at a fixed rate, null for a closed loop
   */
  final void start(long quota, Pacer pacer, int paceIndex) {
    this.started = true;
    this.quota = quota;
    this.pacer = pacer;
    this.paceIndex = paceIndex;
    this.roomSinceNanos = run.startNanos;
    send();
  }

  /** The pacer released one more request of this connection. */
  final void release() {
    released++;
    send();
  }

  /** The pacer releases no more: what is released is still sent. */
  final void scheduleEnded() {
    send();
  }

  /** Ctrl-C: nothing more starts; replies still owed are waited for. Event loop only. */
  final void stopSending() {
    closed = true;
    checkFinished();
  }

  /** Sends whatever the depth, the share and (at a fixed rate) the schedule allow. Event loop only. */
  final void send() {
    if (!started || closed || !ctx.channel().isActive()) {
      checkFinished();
      return;
    }
    long now = run.nanoTime();
    int count = 0;
    ByteBuf batch = null;
    while (!matcher.isFull()) {
      long intended = now;
      if (pacer != null) {
        if (nextSeq >= released) {
          closed = pacer.over();
          break;
        }
        intended = pacer.intendedNanos(paceIndex, nextSeq);
      }
      if (!run.mayStart(intended)) {
        closed = true;
        break;
      }
      int phase = run.phaseOf(intended);
      if (run.limited()) {
        if (quota < phase) { // a measured request, and the share is spent
          closed = true;
          break;
        }
        quota -= phase;
      }
      if (batch == null) {
        batch = newBatch();
      }
      batch = write(batch, nextSeq);
      matcher.sent(nextSeq, intended);
      nextSeq++;
      count++;
      LoopStats.Phase counted = stats.phase(phase);
      counted.bytesSent += payloads.size();
      if (pacer != null) {
        long couldLeave = intended - roomSinceNanos >= 0 ? intended : roomSinceNanos;
        counted.sendLag.recordValue(Math.max(0, now - couldLeave));
      }
    }
    if (count > 0) {
      flush(batch);
    }
    checkFinished();
  }

  /** Ends a read batch: sends what its replies made room for. */
  protected final void readBatchDone() {
    countMissing();
    send();
  }

  /** A buffer for the requests of one batch. */
  protected abstract ByteBuf newBatch();

  /** Adds one request to the batch; returns the batch to add the next one to. */
  protected abstract ByteBuf write(ByteBuf batch, long seq);

  /** Writes and flushes the batch. */
  protected abstract void flush(ByteBuf batch);

  /** Counts the bytes of a read into the phase of the time it arrived: the report counts the measured ones. */
  protected final void received(int bytes, long nowNanos) {
    anyReply = true;
    stats.phase(run.phaseOf(nowNanos)).bytesReceived += bytes;
  }

  /** Checks one reply: {@code length} bytes at {@code index}, its newline excluded; -1 for a malformed reply. */
  protected final void reply(ByteBuf buf, int index, int length, long nowNanos) {
    long seq = -1;
    if (length >= 0) {
      if (length > line.length) {
        line = new byte[length]; // once per connection, for requests over 256 bytes or an odd reply
      }
      buf.getBytes(index, line, 0, length);
      int payloadStart = run.stamped() ? stampEnd(line, length) : 0;
      if (payloadStart >= 0 && run.whoami()) {
        payloadStart = whoamiMessage(line, payloadStart, length);
      }
      if (payloadStart >= 0) {
        seq = payloads.sequenceOf(line, payloadStart, length - payloadStart);
      }
    }
    boolean full = matcher.isFull();
    switch (matcher.reply(seq)) {
      case OK:
        long start = matcher.matchedStart();
        LoopStats.Phase counted = stats.phase(run.phaseOf(start));
        counted.ok++;
        counted.latency.recordValue(Math.max(1, nowNanos - start));
        break;
      case WRONG:
        stats.wrong++;
        break;
      case EXTRA:
        stats.extra++;
        break;
      case LATE:
        stats.late++;
        break;
      default:
        break;
    }
    noteRoom(full, nowNanos);
  }

  private void noteRoom(boolean wasFull, long nowNanos) {
    if (wasFull && !matcher.isFull()) {
      roomSinceNanos = nowNanos;
    }
  }

  /** Counts the instance a whoami reply names; returns where its message starts, or -1 if it is malformed. */
  private int whoamiMessage(byte[] line, int afterStamp, int length) {
    int name = Instances.nameStart(line, afterStamp, length);
    int nameEnd = name < 0 ? -1 : Instances.valueEnd(line, name, length);
    int message = nameEnd < 0 ? -1 : Instances.messageStart(line, nameEnd, length);
    if (message >= 0) {
      if (instances == null) {
        instances = new Instances.Tracker();
      }
      instances.count(stats.instances, line, name, nameEnd - name);
    }
    return message;
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

  /** Gives up on requests older than the reply time-out, then sends what that made room for. Event loop only. */
  final void expire(long nowNanos) {
    boolean full = matcher.isFull();
    matcher.expire(nowNanos - run.replyTimeoutNanos);
    noteRoom(full, nowNanos);
    countMissing();
    send();
  }

  /** The run is over: what is still outstanding is missing, and closing the connection is no loss. */
  final void abandon() {
    abandoned = true;
    matcher.abandon();
    countMissing();
  }

  private void countMissing() {
    long missing = matcher.missing();
    stats.missing += missing - countedMissing;
    countedMissing = missing;
  }

  /** Finishes once nothing more will be sent or received on this connection. */
  private void checkFinished() {
    if (finished || !started) {
      return;
    }
    boolean lost = !ctx.channel().isActive();
    if (lost || (closed && matcher.outstanding() == 0)) {
      finished = true;
      stats.finished(run.nanoTime());
      if (pacer != null) {
        pacer.connectionFinished();
      }
      run.connectionFinished();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (!abandoned) {
      stats.connectionsLost++;
      matcher.abandon();
      countMissing();
    }
    checkFinished();
    super.channelInactive(ctx);
  }

  /** Marks this connection as running over TLS 1.3 (see {@link BenchRun#tlsRefused}). */
  final void overTls13() {
    tls13 = true;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (tls13 && !anyReply && !abandoned) {
      tls13 = false; // counted once, whatever follows the refusal
      run.tlsRefused(cause);
    }
    ctx.close();
  }
}
