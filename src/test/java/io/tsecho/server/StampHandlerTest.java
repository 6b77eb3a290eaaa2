package io.tsecho.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StampHandlerTest {
  private static final String P = "[Tue Jan  9 21:14:00 2018] ";

  private final MutableClock clock = new MutableClock(Instant.parse("2018-01-09T21:14:00Z"));
  private final AtomicBoolean moreInput = new AtomicBoolean();
  private EmbeddedChannel channel;

  private EmbeddedChannel open(Framing framing, int maxLine) {
    return open(framing, maxLine, 0);
  }

  private EmbeddedChannel open(Framing framing, int maxLine, long partialDelayMillis) {
    return open(framing, maxLine, partialDelayMillis, 0);
  }

  private EmbeddedChannel open(Framing framing, int maxLine, long partialDelayMillis, long idleTimeoutMillis) {
    Stamper stamper = Stamper.replyPrefix(TimeFormat.parse("ctime", ZoneOffset.UTC), clock);
    channel = new EmbeddedChannel(new StampHandler(framing, maxLine, stamper, ch -> moreInput.get(),
        TimeUnit.MILLISECONDS.toNanos(partialDelayMillis), TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis)));
    channel.freezeTime();
    return channel;
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
    open(Framing.AUTO, 1024, 20);
    channel.writeInbound(bytes("paused"));
    channel.config().setAutoRead(false);
    advance(5_000);
    assertThat(output()).isEmpty();
    channel.pipeline().fireChannelWritabilityChanged(); // writable again: reading resumes
    assertThat(channel.config().isAutoRead()).isTrue();
    advance(19);
    assertThat(output()).isEmpty();
    advance(1);
    assertThat(output()).isEqualTo(P + "paused");
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
}
