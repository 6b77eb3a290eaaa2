package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.tsecho.config.Fault;
import io.tsecho.config.ServerConfig;
import io.tsecho.protocol.Stamper;
import io.tsecho.protocol.TimeFormat;
import io.tsecho.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each TCP fault, applied to the stamp service's replies on an in-memory connection with a frozen clock. */
class TcpFaultHandlerTest {
  private static final String P = "[Tue Jan  9 21:14:00 2018] ";

  private final MutableClock clock = new MutableClock(Instant.parse("2018-01-09T21:14:00Z"));
  private Faults faults;
  private ConnectionLimits limits;
  private EmbeddedChannel channel;

  private EmbeddedChannel open(String... specs) {
    List<Fault> parsed = new ArrayList<>();
    for (String spec : specs) {
      parsed.add(Fault.parse(spec));
    }
    faults = new Faults(parsed, 42);
    limits = ConnectionLimits.of(ServerConfig.builder().partialDelay(Duration.ZERO).build());
    Stamper stamper = Stamper.replyPrefix(TimeFormat.parse("ctime", ZoneOffset.UTC), clock);
    channel = new FrozenTimeChannel(new TcpFaultHandler(faults, faults.draw(io.tsecho.config.Protocol.TCP), 0),
        new StampHandler(limits, stamper, ch -> false));
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

  /** What reached the socket, write by write; empty writes carry no bytes and are left out. */
  private List<String> writes() {
    List<String> out = new ArrayList<>();
    for (ByteBuf b; (b = channel.readOutbound()) != null; b.release()) {
      if (b.isReadable()) {
        out.add(b.toString(ISO_8859_1));
      }
    }
    return out;
  }

  private void send(String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, ISO_8859_1));
  }

  @Test
  void latencyHoldsEachReplyAndKeepsTheirOrder() {
    open("latency:100ms");
    send("a\n");
    advance(40);
    send("b\n");
    advance(59);
    assertThat(writes()).isEmpty();
    advance(1);
    assertThat(writes()).containsExactly(P + "a\n");
    advance(39);
    assertThat(writes()).isEmpty();
    advance(1);
    assertThat(writes()).containsExactly(P + "b\n");
    assertThat(faults.applied(Fault.Kind.LATENCY)).isEqualTo(1);
  }

  @Test
  void sliceWritesEachPieceOnItsOwnAMillisecondApart() {
    open("slice:10");
    send("0123456789abcdefghijklmnopqrstuvwxyz\n");
    String reply = P + "0123456789abcdefghijklmnopqrstuvwxyz\n";
    int slices = (reply.length() + 9) / 10;
    List<String> pieces = new ArrayList<>(writes());
    assertThat(pieces).as("flushed at once").hasSize(1);
    for (int ms = 1; ms < slices; ms++) {
      advance(1);
      List<String> flushed = writes();
      assertThat(flushed).as("flushed %d ms later", ms).hasSize(1);
      pieces.addAll(flushed);
    }
    advance(1);
    assertThat(writes()).isEmpty();
    assertThat(String.join("", pieces)).isEqualTo(reply);
    assertThat(pieces.subList(0, slices - 1)).allSatisfy(p -> assertThat(p).hasSize(10));
  }

  @Test
  void sliceAndBandwidthTogetherStillSendWholeSlices() {
    open("bandwidth:1000", "slice:200"); // a bucket of 250 bytes
    send("x".repeat(599) + "\n"); // a reply of 27 + 600 bytes
    List<String> pieces = new ArrayList<>(writes());
    for (int ms = 0; ms < 1000; ms += 10) {
      advance(10);
      pieces.addAll(writes());
    }
    assertThat(pieces.stream().map(String::length).toList()).containsExactly(200, 200, 200, 27);
  }

  @Test
  void bandwidthSendsNoFasterThanItsRate() {
    open("bandwidth:1000"); // bytes per second, in bursts of 250
    send("x".repeat(999) + "\n"); // a reply of 27 + 1000 bytes
    int received = String.join("", writes()).length();
    assertThat(received).isEqualTo(250);
    for (int ms = 50; ms <= 1000; ms += 50) {
      advance(50);
      received += String.join("", writes()).length();
      assertThat(received).as("after %d ms", ms).isLessThanOrEqualTo(250 + ms);
    }
    assertThat(received).as("one second: the first burst plus 1000 bytes of refill").isEqualTo(1027);
  }

  @Test
  void aBandwidthTimerThatFiresLateCostsNoRate() {
    open("bandwidth:1000");
    send("x".repeat(1999) + "\n"); // a reply of 27 + 2000 bytes
    int received = String.join("", writes()).length();
    for (int ms = 0; ms < 1000; ms += 100) {
      advance(100); // every timer runs up to 100 ms late
      received += String.join("", writes()).length();
    }
    assertThat(received).as("one second: the first burst plus 1000 bytes of refill").isEqualTo(1250);
  }

  @Test
  void stallReadsButNeverAnswers() {
    open("stall");
    send("anyone?\n");
    advance(10_000);
    assertThat(writes()).isEmpty();
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void limitClosesAfterThatManyBytesOfReplies() {
    open("limit:30");
    send("first\nsecond\n");
    assertThat(String.join("", writes())).isEqualTo((P + "first\n" + P + "second\n").substring(0, 30));
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
    assertThat(limits.stats().closed(CloseReason.FAULT)).isEqualTo(1);
  }

  @Test
  void resetAfterNRepliesSendsExactlyThoseReplies() {
    open("reset:2");
    send("one\ntwo\nthree\n");
    assertThat(String.join("", writes())).isEqualTo(P + "one\n" + P + "two\n");
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
    assertThat(limits.stats().closed(CloseReason.FAULT)).isEqualTo(1);
  }

  @Test
  void resetAndRefuseCloseAtOnce() {
    for (String spec : new String[] {"reset", "refuse"}) {
      open(spec);
      assertThat(channel.isOpen()).as(spec).isFalse();
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void behindGatesAResetWaitsForTheLastOfThem() {
    faults = new Faults(List.of(Fault.parse("reset")), 42);
    channel = new FrozenTimeChannel(new TcpFaultHandler(faults, faults.draw(io.tsecho.config.Protocol.TCP), 2));
    assertThat(channel.isOpen()).as("the PROXY header and the TLS handshake go first").isTrue();
    channel.pipeline().fireUserEventTriggered(GatePassed.INSTANCE);
    assertThat(channel.isOpen()).as("one gate of two").isTrue();
    channel.pipeline().fireUserEventTriggered(GatePassed.INSTANCE);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void slowCloseWaitsBeforeTheServerActsOnTheClientsEndOfInput() {
    open("slow-close:2s");
    send("bye\n");
    writes();
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    advance(1_999);
    assertThat(channel.isOpen()).isTrue();
    advance(1);
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void heldRepliesCountAgainstTheWriteBufferWatermark() {
    open("latency:1s");
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(100, 200));
    send("y".repeat(300) + "\n");
    assertThat(channel.isWritable()).as("a held reply is a queued reply").isFalse();
    advance(1_000);
    assertThat(writes()).hasSize(1);
    assertThat(channel.isWritable()).isTrue();
  }

  @Test
  void aProbabilityIsDrawnPerConnectionFromTheSeed() {
    Faults seeded = new Faults(List.of(Fault.parse("stall@0.5")), 7);
    int hit = 0;
    for (int i = 0; i < 1000; i++) {
      hit += seeded.draw(io.tsecho.config.Protocol.TCP).size();
    }
    java.util.Random replay = new java.util.Random(7);
    int expected = 0;
    for (int i = 0; i < 1000; i++) {
      expected += replay.nextDouble() < 0.5 ? 1 : 0;
    }
    assertThat(hit).isEqualTo(expected).isBetween(440, 560);
    assertThat(seeded.draw(io.tsecho.config.Protocol.UDP)).as("a TCP fault never hits a datagram").isEmpty();
  }
}
