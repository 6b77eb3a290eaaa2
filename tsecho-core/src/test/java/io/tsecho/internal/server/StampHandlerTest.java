package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.tsecho.config.ServerConfig;
import io.tsecho.protocol.Framing;
import io.tsecho.protocol.Stamper;
import io.tsecho.protocol.TimeFormat;
import io.tsecho.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StampHandlerTest {
  private static final String P = "[Tue Jan  9 21:14:00 2018] ";

  private final MutableClock clock = new MutableClock(Instant.parse("2018-01-09T21:14:00Z"));
  private final AtomicBoolean moreInput = new AtomicBoolean();
  private EmbeddedChannel channel;
  private ConnectionLimits limits;

  private EmbeddedChannel open(Framing framing, int maxLine) {
    return open(framing, maxLine, 0);
  }

  private EmbeddedChannel open(Framing framing, int maxLine, long partialDelayMillis) {
    return open(framing, maxLine, partialDelayMillis, 0);
  }

  private EmbeddedChannel open(Framing framing, int maxLine, long partialDelayMillis, long idleTimeoutMillis) {
    return open(b -> b.framing(framing).maxLine(maxLine).partialDelay(Duration.ofMillis(partialDelayMillis))
        .idleTimeout(Duration.ofMillis(idleTimeoutMillis)));
  }

  private EmbeddedChannel open(UnaryOperator<ServerConfig.Builder> settings) {
    limits = ConnectionLimits.of(settings.apply(ServerConfig.builder()).build());
    channel = new FrozenTimeChannel(handler());
    return channel;
  }

  private StampHandler handler() {
    Stamper stamper = Stamper.replyPrefix(TimeFormat.parse("ctime", ZoneOffset.UTC), clock);
    return new StampHandler(limits, stamper, ch -> moreInput.get());
  }

  private SlowReaderChannel openSlowReader(UnaryOperator<ServerConfig.Builder> settings, int lowWaterMark,
      int highWaterMark) {
    limits = ConnectionLimits.of(settings.apply(ServerConfig.builder()).build());
    SlowReaderChannel slow = new SlowReaderChannel(new WriteBufferWaterMark(lowWaterMark, highWaterMark), handler());
    channel = slow;
    return slow;
  }

  private void advance(long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  @AfterEach
  void close() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, ISO_8859_1);
  }

  /** Every outbound buffer, in order, as text; releases them. */
  private List<String> writes() {
    List<String> out = new ArrayList<>();
    ByteBuf b;
    while ((b = channel.readOutbound()) != null) {
      out.add(b.toString(ISO_8859_1));
      b.release();
    }
    return out;
  }

  private String output() {
    return String.join("", writes());
  }

  @Test
  void eachLineGetsItsOwnStampAndAllRepliesToOneReadGoOutInOneWrite() {
    open(Framing.AUTO, 1024);
    channel.writeInbound(bytes("hello\nworld\r\n\n"));
    assertThat(writes()).containsExactly(P + "hello\n" + P + "world\r\n" + P + "\n");
  }

  @Test
  void aTrailingPieceWithoutNewlineIsAnsweredOnceTheClientPauses() {
    open(Framing.AUTO, 1024);
    channel.writeInbound(bytes("classic"));
    assertThat(output()).isEqualTo(P + "classic");
  }

  @Test
  void aTrailingPieceWaitsWhileMoreInputMayBePending() {
    open(Framing.AUTO, 1024);
    moreInput.set(true);
    channel.writeInbound(bytes("first\nsec"));
    assertThat(output()).isEqualTo(P + "first\n");
    channel.writeInbound(bytes("ond half"));
    assertThat(output()).isEmpty();
    moreInput.set(false);
    channel.writeInbound(bytes(" done\nnext"));
    assertThat(output()).isEqualTo(P + "second half done\n" + P + "next");
  }

  @Test
  void lineFramingAnswersCompleteLinesOnly() {
    open(Framing.LINE, 1024);
    channel.writeInbound(bytes("a\nb"));
    assertThat(output()).isEqualTo(P + "a\n");
    channel.writeInbound(bytes("c\nd"));
    assertThat(output()).isEqualTo(P + "bc\n");
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    channel.runPendingTasks();
    assertThat(output()).as("the unterminated 'd' is not answered").isEmpty();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void rawFramingStampsEachReadWholeNewlinesOrNot() {
    open(Framing.RAW, 1024);
    channel.writeInbound(bytes("a\nb"));
    channel.writeInbound(bytes("c"));
    assertThat(writes()).containsExactly(P + "a\nb", P + "c");
  }

  @Test
  void everyByteValueComesBackUnchanged() {
    open(Framing.AUTO, 1024);
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    channel.writeInbound(Unpooled.wrappedBuffer(all));
    String out = output();
    // 0x0a ends the first line; the rest is a trailing piece answered as it is.
    String expected = P + new String(all, 0, 11, ISO_8859_1) + P + new String(all, 11, 245, ISO_8859_1);
    assertThat(out).isEqualTo(expected);
  }

  @Test
  void longPayloadsGoOutAsSlicesButTheBytesAreTheSame() {
    open(Framing.AUTO, 1 << 20);
    String big = "x".repeat(StampHandler.COPY_BREAK * 3) + "\n";
    channel.writeInbound(bytes("s\n" + big + "t\n"));
    List<String> writes = writes();
    assertThat(String.join("", writes)).isEqualTo(P + "s\n" + P + big + P + "t\n");
    assertThat(writes).as("prefix batch, payload slice, rest").hasSize(3);
    assertThat(writes.get(1)).isEqualTo(big);
  }

  @Test
  void theStampIsTakenPerReadAndFollowsTheClock() {
    open(Framing.AUTO, 1024);
    channel.writeInbound(bytes("a\n"));
    clock.advance(Duration.ofSeconds(61));
    channel.writeInbound(bytes("b\n"));
    assertThat(output()).isEqualTo(P + "a\n" + "[Tue Jan  9 21:15:01 2018] b\n");
  }

  @Test
  void aLineLongerThanTheLimitGetsOneErrorLineAndTheConnectionCloses() {
    open(Framing.AUTO, 8);
    moreInput.set(true);
    channel.writeInbound(bytes("ok\n12345"));
    channel.writeInbound(bytes("6789"));
    channel.runPendingTasks();
    assertThat(output()).isEqualTo(P + "ok\n" + "tsecho error: line too long (more than 8 bytes without a newline); closing\n");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aLineOfExactlyTheLimitIsAnswered() {
    open(Framing.LINE, 8);
    channel.writeInbound(bytes("12345678\n"));
    assertThat(output()).isEqualTo(P + "12345678\n");
    channel.writeInbound(bytes("123456789\n"));
    channel.runPendingTasks();
    assertThat(output()).startsWith("tsecho error: line too long");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void atEndOfInputTheTrailingPieceIsAnsweredThenTheConnectionCloses() {
    open(Framing.AUTO, 1024);
    moreInput.set(true);
    channel.writeInbound(bytes("a\nrest"));
    assertThat(output()).isEqualTo(P + "a\n");
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    channel.runPendingTasks();
    assertThat(output()).isEqualTo(P + "rest");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void serverShutdownAnswersTheTrailingPieceAndCloses() {
    open(Framing.AUTO, 1024);
    moreInput.set(true);
    channel.writeInbound(bytes("half"));
    channel.pipeline().fireUserEventTriggered(ServerShutdown.INSTANCE);
    channel.runPendingTasks();
    assertThat(output()).isEqualTo(P + "half");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void pipelinedLinesSplitAcrossReadsAtEveryOffsetAreNeverSplitInReplies() {
    String stream = "alpha\nbeta\ngamma gamma\n\ndelta\n";
    for (int cut = 1; cut < stream.length(); cut++) {
      open(Framing.AUTO, 1024);
      moreInput.set(true); // the first read filled its buffer
      channel.writeInbound(bytes(stream.substring(0, cut)));
      moreInput.set(false);
      channel.writeInbound(bytes(stream.substring(cut)));
      assertThat(output()).as("cut at %d", cut)
          .isEqualTo(P + "alpha\n" + P + "beta\n" + P + "gamma gamma\n" + P + "\n" + P + "delta\n");
      channel.finishAndReleaseAll();
      channel = null;
    }
  }

  @Test
  void aBinaryPayloadSplitIntoManyReadsIsReassembledByteForByte() {
    open(Framing.LINE, 1 << 16);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    for (int i = 0; i < 3000; i++) {
      sent.write(i % 10 == 9 ? '\n' : (i * 7) & 0xff & ~0x0a | 0x01);
    }
    byte[] all = sent.toByteArray();
    for (int off = 0; off < all.length; off += 333) {
      channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(all, off, Math.min(all.length, off + 333))));
    }
    String out = output();
    assertThat(out.replace(P, "")).isEqualTo(new String(all, ISO_8859_1));
    assertThat(out.split("\\[Tue", -1)).hasSize(1 + 300);
  }

  @Test
  void aPieceFromAClientThatNeverSentANewlineIsAnsweredAfterTheQuietPeriod() {
    open(Framing.AUTO, 1024, 20);
    channel.writeInbound(bytes("hel"));
    advance(15);
    assertThat(output()).isEmpty();
    channel.writeInbound(bytes("lo")); // more bytes restart the quiet period
    advance(15);
    assertThat(output()).isEmpty();
    advance(5);
    assertThat(output()).isEqualTo(P + "hello");
  }

  @Test
  void aPieceFromAClientThatSendsLinesWaitsLongerForItsNewline() {
    open(Framing.AUTO, 1024, 20);
    channel.writeInbound(bytes("one\ntw"));
    assertThat(output()).isEqualTo(P + "one\n");
    advance(900);
    assertThat(output()).isEmpty();
    channel.writeInbound(bytes("o\n"));
    assertThat(output()).isEqualTo(P + "two\n");
    channel.writeInbound(bytes("three"));
    advance(999);
    assertThat(output()).isEmpty();
    advance(1);
    assertThat(output()).isEqualTo(P + "three");
  }

  @Test
  void aPieceIsNotAnsweredWhileReadingIsPausedByBackpressure() {
    SlowReaderChannel slow = openSlowReader(b -> b.partialDelay(Duration.ofMillis(20)), 64, 256);
    slow.writeInbound(bytes("x".repeat(300) + "\npaused"));
    assertThat(slow.config().isAutoRead()).as("paused: the reply to the first line fills the queue").isFalse();
    advance(5_000);
    assertThat(slow.outboundMessages()).isEmpty();
    assertThat(slow.queuedBytes()).isEqualTo(P.length() + 301);
    slow.clientReadsAll();
    assertThat(slow.config().isAutoRead()).isTrue();
    assertThat(output()).isEqualTo(P + "x".repeat(300) + "\n");
    advance(999); // the quiet period of a client that sends lines, counted from when reading resumed
    assertThat(slow.queuedBytes()).isZero();
    advance(1);
    slow.clientReadsAll();
    assertThat(output()).isEqualTo(P + "paused");
  }

  @Test
  void backpressureHoldsInsideOneReadAndParsingResumesWhereItStopped() {
    int lines = 20_000;
    SlowReaderChannel slow = openSlowReader(b -> b, 1024, 4096);
    slow.writeInbound(bytes("\n".repeat(lines)));
    assertThat(slow.config().isAutoRead()).isFalse();
    assertThat(slow.queuedBytes()).as("high watermark plus one chunk").isLessThanOrEqualTo(4096 + 16 * 1024);
    StringBuilder received = new StringBuilder();
    for (int round = 0; round < lines && slow.config().isAutoRead() == false; round++) {
      slow.clientReads(3000);
      received.append(output());
      assertThat(slow.queuedBytes()).isLessThanOrEqualTo(4096 + 16 * 1024);
    }
    slow.clientReadsAll();
    received.append(output());
    assertThat(slow.config().isAutoRead()).isTrue();
    assertThat(received.toString()).isEqualTo((P + "\n").repeat(lines));
    assertThat(limits.stats().peakHeldPerConnection())
        .as("queued replies plus the unparsed read")
        .isLessThanOrEqualTo(4096 + 16 * 1024 + 4 * lines);
    assertThat(limits.budget().used()).isZero();
  }

  @Test
  void aClientThatHalfClosesWhileItsInputWaitsGetsEveryReplyBeforeTheClose() {
    SlowReaderChannel slow = openSlowReader(b -> b, 64, 256);
    slow.writeInbound(bytes("a".repeat(300) + "\nb\nc\ntail"));
    assertThat(slow.config().isAutoRead()).isFalse();
    slow.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertThat(slow.isOpen()).isTrue();
    slow.clientReadsAll();
    slow.runPendingTasks();
    assertThat(output()).isEqualTo(P + "a".repeat(300) + "\n" + P + "b\n" + P + "c\n" + P + "tail");
    assertThat(slow.isOpen()).isFalse();
    assertThat(limits.stats().closed(CloseReason.PEER_CLOSED)).isEqualTo(1);
  }

  @Test
  void aReadThatArrivesWhilePausedWaitsBehindTheKeptInput() {
    SlowReaderChannel slow = openSlowReader(b -> b, 64, 256);
    slow.writeInbound(bytes("a".repeat(300) + "\nb\nc"));
    assertThat(slow.config().isAutoRead()).isFalse();
    slow.writeInbound(bytes("d\ne\n")); // a read that was already under way
    slow.clientReadsAll();
    assertThat(output()).isEqualTo(P + "a".repeat(300) + "\n" + P + "b\n" + P + "cd\n" + P + "e\n");
  }

  @Test
  void everyReplyArrivesInOrderWhenTheClientReadsInSmallSips() {
    SlowReaderChannel slow = openSlowReader(b -> b.maxLine(1 << 20), 100, 400);
    StringBuilder sent = new StringBuilder();
    StringBuilder expected = new StringBuilder();
    java.util.Random random = new java.util.Random(42);
    for (int read = 0; read < 50; read++) {
      StringBuilder chunk = new StringBuilder();
      for (int i = 0; i < 40; i++) {
        String line = "r" + read + "l" + i + "-" + "z".repeat(random.nextInt(3) == 0 ? random.nextInt(3000) : random.nextInt(40));
        chunk.append(line).append('\n');
        expected.append(P).append(line).append('\n');
      }
      sent.append(chunk);
      slow.writeInbound(bytes(chunk.toString()));
      for (int sip = 0; sip < 10_000 && !slow.config().isAutoRead(); sip++) {
        slow.clientReads(700);
      }
      assertThat(slow.config().isAutoRead()).as("reading resumes once the client catches up").isTrue();
    }
    slow.clientReadsAll();
    assertThat(output()).isEqualTo(expected.toString());
  }

  @Test
  void aClientThatLeavesItsRepliesUnreadIsClosedAfterTheWriteTimeout() {
    SlowReaderChannel slow = openSlowReader(b -> b.writeTimeout(Duration.ofSeconds(60)), 64, 256);
    slow.writeInbound(bytes("a".repeat(300) + "\n"));
    assertThat(slow.config().isAutoRead()).isFalse();
    advance(59_000);
    assertThat(slow.isOpen()).isTrue();
    advance(2_000);
    assertThat(slow.isOpen()).isFalse();
    assertThat(limits.stats().closed(CloseReason.WRITE_TIMEOUT)).isEqualTo(1);
    assertThat(limits.budget().used()).isZero();
  }

  @Test
  void aClientThatReadsSlowlyIsNeverClosedForItsSilence() {
    SlowReaderChannel slow = openSlowReader(b -> b.writeTimeout(Duration.ofSeconds(60)).idleTimeout(Duration.ofSeconds(30))
        .maxLine(1 << 20), 1024, 4096);
    slow.writeInbound(bytes(("y".repeat(99) + "\n").repeat(2000))); // 250 KB of replies for a client that sips them
    for (int minute = 0; minute < 10; minute++) {
      assertThat(slow.isOpen()).as("minute %d: %s", minute, limits.stats()).isTrue();
      assertThat(slow.config().isAutoRead()).isFalse();
      advance(50_000);
      slow.clientReads(200);
    }
    assertThat(slow.isOpen()).as("ten minutes of slow reading, no input").isTrue();
    slow.clientReadsAll();
    assertThat(output()).endsWith(P + "y".repeat(99) + "\n");
    assertThat(slow.config().isAutoRead()).isTrue();
    advance(30_000);
    assertThat(slow.isOpen()).as("caught up and silent: idle").isFalse();
    assertThat(limits.stats().closed(CloseReason.IDLE_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void aLineUnfinishedForTheLineTimeoutGetsAnErrorLineAndTheConnectionCloses() {
    open(b -> b.framing(Framing.LINE).lineTimeout(Duration.ofSeconds(30)).idleTimeout(Duration.ZERO));
    channel.writeInbound(bytes("done\nnot don"));
    advance(20_000);
    channel.writeInbound(bytes("e yet")); // more bytes do not restart the count: the line began 20 s ago
    advance(9_999);
    assertThat(output()).isEqualTo(P + "done\n");
    advance(1);
    assertThat(output()).isEqualTo("tsecho error: line not finished within 30s; closing\n");
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
    assertThat(limits.stats().closed(CloseReason.LINE_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void eachLineHasItsOwnDeadline() {
    open(b -> b.framing(Framing.LINE).lineTimeout(Duration.ofSeconds(30)));
    channel.writeInbound(bytes("first"));
    advance(25_000);
    channel.writeInbound(bytes(" done\nsecond"));
    advance(25_000);
    assertThat(channel.isOpen()).as("the second line began 25 s ago").isTrue();
    channel.writeInbound(bytes(" done\n"));
    advance(60_000);
    assertThat(output()).isEqualTo(P + "first done\n" + P + "second done\n");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void timeSpentPausedByBackpressureDoesNotCountAgainstTheLine() {
    SlowReaderChannel slow = openSlowReader(b -> b.framing(Framing.LINE).lineTimeout(Duration.ofSeconds(30))
        .writeTimeout(Duration.ZERO), 64, 256);
    slow.writeInbound(bytes("a".repeat(300) + "\nunfinished"));
    advance(120_000);
    assertThat(slow.isOpen()).isTrue();
    slow.clientReadsAll();
    advance(29_000);
    assertThat(slow.isOpen()).isTrue();
    slow.writeInbound(bytes(" now\n"));
    slow.clientReadsAll();
    assertThat(output()).isEqualTo(P + "a".repeat(300) + "\n" + P + "unfinished now\n");
  }

  @Test
  void aConnectionThatWouldPassTheServerBudgetIsClosedAndTheOthersGoOn() {
    limits = ConnectionLimits.of(ServerConfig.builder().framing(Framing.LINE).maxLine(1 << 20)
        .maxBuffered(ServerConfig.MIN_MAX_BUFFERED).build());
    EmbeddedChannel first = new FrozenTimeChannel(handler());
    EmbeddedChannel second = new FrozenTimeChannel(handler());
    try {
      first.writeInbound(bytes("f".repeat(600_000)));
      assertThat(limits.budget().used()).isEqualTo(600_000);
      second.writeInbound(bytes("s".repeat(600_000)));
      second.runPendingTasks();
      ByteBuf error = second.readOutbound();
      assertThat(error.toString(ISO_8859_1)).isEqualTo("tsecho error: server buffer limit reached; closing\n");
      error.release();
      second.close();
      assertThat(limits.stats().closed(CloseReason.BUFFER_LIMIT)).isEqualTo(1);
      first.writeInbound(bytes("\n"));
      int replied = 0;
      for (ByteBuf reply; (reply = first.readOutbound()) != null; ) {
        replied += reply.readableBytes();
        reply.release();
      }
      assertThat(replied).isEqualTo(P.length() + 600_001);
      assertThat(limits.budget().used()).isZero();
    } finally {
      first.finishAndReleaseAll();
      second.finishAndReleaseAll();
    }
  }

  @Test
  void aPartialLineIsHeldInABufferOfItsOwnSize() {
    open(b -> b.framing(Framing.LINE));
    channel.writeInbound(bytes("x".repeat(1000)));
    assertThat(limits.budget().used()).isEqualTo(1000);
    channel.writeInbound(bytes("y".repeat(100)));
    assertThat(limits.budget().used()).as("grown by half at most").isEqualTo(1500);
    channel.writeInbound(bytes("\n"));
    assertThat(limits.budget().used()).isZero();
  }

  @Test
  void aTrailingPieceIsAnsweredEvenWhenTheBatchEndedAtItsReadLimitAndNoReadFollows() {
    open(Framing.AUTO, 1024, 20);
    moreInput.set(true); // the last read filled its buffer, and the transport never reads again
    channel.writeInbound(bytes("a\nstranded"));
    assertThat(output()).isEqualTo(P + "a\n");
    advance(999);
    assertThat(output()).isEmpty();
    advance(1);
    assertThat(output()).isEqualTo(P + "stranded");
    assertThat(limits.stats().piecesAnswered()).isEqualTo(1);
  }

  @Test
  void withNoQuietPeriodAStrandedPieceIsAnsweredAfterAMillisecond() {
    open(Framing.AUTO, 1024, 0);
    moreInput.set(true);
    channel.writeInbound(bytes("stranded"));
    assertThat(output()).isEmpty();
    advance(1);
    assertThat(output()).isEqualTo(P + "stranded");
  }

  @ParameterizedTest
  @EnumSource(value = Framing.class, names = {"AUTO", "LINE"})
  void aLineOfExactlyTheLimitSplitAcrossReadsAtAnyOffsetIsAnswered(Framing framing) {
    String line = "0123456789abcdef";
    for (int cut = 0; cut <= line.length(); cut++) {
      open(framing, line.length(), 20);
      moreInput.set(true);
      channel.writeInbound(bytes(line.substring(0, cut)));
      channel.writeInbound(bytes(line.substring(cut) + "\n"));
      assertThat(output()).as("cut at %d", cut).isEqualTo(P + line + "\n");
      assertThat(channel.isOpen()).isTrue();
      channel.finishAndReleaseAll();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Framing.class, names = {"AUTO", "LINE"})
  void aLineOneByteOverTheLimitSplitAcrossReadsIsRefused(Framing framing) {
    String line = "0123456789abcdefg";
    for (int cut = 0; cut <= line.length(); cut++) {
      open(framing, line.length() - 1, 20);
      moreInput.set(true);
      channel.writeInbound(bytes(line.substring(0, cut)));
      if (channel.isOpen()) {
        channel.writeInbound(bytes(line.substring(cut) + "\n"));
      }
      channel.runPendingTasks();
      assertThat(output()).as("cut at %d", cut).startsWith("tsecho error: line too long");
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void aClientSilentForTheIdleTimeoutIsClosedAndEachReadRestartsTheCount() {
    open(Framing.AUTO, 1024, 0, 1_000);
    advance(600);
    channel.writeInbound(bytes("still here\n"));
    assertThat(output()).isEqualTo(P + "still here\n");
    advance(999);
    assertThat(channel.isOpen()).isTrue();
    advance(1);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void withoutAnIdleTimeoutASilentClientStaysConnected() {
    open(Framing.AUTO, 1024, 0, 0);
    advance(3_600_000);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void socketErrorsReadPlainlyInTheLog() {
    assertThat(TcpServiceHandler.plainly(new java.io.IOException(
        "recvAddress(..) failed with error(-104): Connection reset by peer"))).isEqualTo("connection reset by peer");
    assertThat(TcpServiceHandler.plainly(new java.io.IOException("Broken pipe"))).isEqualTo("broken pipe");
    assertThat(TcpServiceHandler.plainly(new java.io.IOException(""))).isEmpty();
  }
}
