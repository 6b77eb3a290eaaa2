package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.tsecho.config.AccessRules;
import io.tsecho.config.Fault;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.config.UdpLimits;
import io.tsecho.testing.MutableClock;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each UDP fault, applied to the echo service's replies on an in-memory socket with a frozen clock. */
class DatagramFaultsTest {
  private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 21566);
  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

  private final MutableClock clock = new MutableClock(Instant.parse("2018-01-09T21:14:00Z"));
  private final AtomicLong nanos = new AtomicLong();
  private Faults faults;
  private EmbeddedChannel channel;

  private void open(UdpLimits limits, String... specs) {
    List<Fault> parsed = new ArrayList<>();
    for (String spec : specs) {
      parsed.add(Fault.parse(spec));
    }
    faults = new Faults(parsed, 42);
    ServerConfig config = ServerConfig.builder().zone(ZoneOffset.UTC).build();
    channel = new FrozenTimeChannel(new DatagramServiceHandler(Service.ECHO, new Clocks(config, clock), limits,
        AccessRules.OPEN, new UdpDrops(), ListenerEvents.NONE, new WhoamiHeader("test"), new DatagramFaults(faults),
        nanos::get));
  }

  private void open(String... specs) {
    open(new UdpLimits(0, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM), specs);
  }

  @AfterEach
  void close() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private void send(String payload) {
    channel.writeInbound(new DatagramPacket(Unpooled.copiedBuffer(payload, ISO_8859_1), SERVER, CLIENT));
  }

  private void advance(long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  /** Every reply sent so far, in order. */
  private List<String> replies() {
    List<String> out = new ArrayList<>();
    for (DatagramPacket p; (p = channel.readOutbound()) != null; p.release()) {
      assertThat(p.recipient()).isEqualTo(CLIENT);
      out.add(p.content().toString(ISO_8859_1));
    }
    return out;
  }

  @Test
  void dropSendsNothing() {
    open("drop");
    send("one");
    send("two");
    assertThat(replies()).isEmpty();
    assertThat(faults.applied(Fault.Kind.DROP)).isEqualTo(2);
  }

  @Test
  void truncateCutsALongerReplyAndLeavesAShorterOne() {
    open("truncate:4");
    send("0123456789");
    send("abc");
    send("wxyz");
    assertThat(replies()).containsExactly("0123", "abc", "wxyz");
    assertThat(faults.applied(Fault.Kind.TRUNCATE)).isEqualTo(3);
  }

  @Test
  void duplicateSendsTheReplyTwiceWhenTheRateAllowsIt() {
    open("duplicate");
    send("twice");
    assertThat(replies()).containsExactly("twice", "twice");
  }

  @Test
  void aDuplicateTakesATokenOfTheSourcesRateAndIsSkippedWithoutOne() {
    open(new UdpLimits(3, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM), "duplicate");
    send("a"); // one token for the reply, one for its copy
    send("b"); // the last token: no copy
    send("c"); // none left: dropped by the rate limit before any fault
    assertThat(replies()).containsExactly("a", "a", "b");
  }

  @Test
  void aDuplicateTakesATokenOfTheGlobalBudgetToo() {
    open(new UdpLimits(0, 3, false, UdpLimits.DEFAULT_MAX_DATAGRAM), "duplicate");
    send("a");
    send("b");
    assertThat(replies()).containsExactly("a", "a", "b");
  }

  @Test
  void delaySendsTheReplyThatMuchLater() {
    open("delay:200ms");
    send("later");
    advance(199);
    assertThat(replies()).isEmpty();
    advance(1);
    assertThat(replies()).containsExactly("later");
  }

  @Test
  void aDelayedDuplicateArrivesWithItsOriginal() {
    open("delay:50ms", "duplicate");
    send("x");
    assertThat(replies()).isEmpty();
    advance(50);
    assertThat(replies()).containsExactly("x", "x");
  }

  @Test
  void reorderHoldsAReplyUntilTheNextOneHasGone() {
    open("reorder");
    send("first");
    assertThat(replies()).isEmpty();
    send("second"); // it drew reorder too, but only one reply is held at a time
    assertThat(replies()).containsExactly("second", "first");
    send("third");
    assertThat(replies()).isEmpty();
    assertThat(faults.applied(Fault.Kind.REORDER)).isEqualTo(3);
  }

  @Test
  void aHeldReplyWithNoFollowerGoesAloneAfterASecond() {
    open("reorder");
    send("alone");
    advance(TimeUnit.NANOSECONDS.toMillis(DatagramFaults.REORDER_HOLD_NANOS) - 1);
    assertThat(replies()).isEmpty();
    advance(1);
    assertThat(replies()).containsExactly("alone");
    send("next");
    assertThat(replies()).as("held in its turn").isEmpty();
  }

  @Test
  void aHeldReplyWithADuplicateSendsTheCopyFirst() {
    open("reorder", "duplicate");
    send("r");
    assertThat(replies()).containsExactly("r");
    advance(TimeUnit.NANOSECONDS.toMillis(DatagramFaults.REORDER_HOLD_NANOS));
    assertThat(replies()).containsExactly("r");
  }

  @Test
  void whatIsHeldIsReleasedWhenTheListenerCloses() {
    open("reorder");
    send("held");
    channel.close();
    assertThat(replies()).isEmpty();
    advance(TimeUnit.NANOSECONDS.toMillis(DatagramFaults.REORDER_HOLD_NANOS));
    assertThat(replies()).isEmpty();
  }

  @Test
  void withoutFaultsForUdpNothingIsDrawn() {
    open("stall");
    send("plain");
    assertThat(replies()).containsExactly("plain");
    assertThat(faults.applied(Fault.Kind.STALL)).isZero();
  }
}
