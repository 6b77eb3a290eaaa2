package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One event loop's idle time-outs, on an embedded loop whose clock moves only when told. */
class IdleTimeoutsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Only its event loop is used: its frozen clock and its scheduled tasks. */
  private final EmbeddedChannel loop = new EmbeddedChannel();
  private final List<String> reached = new ArrayList<>();
  private IdleTimeouts.Loop idle;
  private long startNanos;

  @BeforeEach
  void setUp() {
    loop.freezeTime();
    startNanos = now();
    idle = new IdleTimeouts(TIMEOUT).of(loop.eventLoop());
  }

  @AfterEach
  void tearDown() {
    loop.finishAndReleaseAll();
  }

  /** Records when the time-out was reached, as milliseconds since the test began. */
  private final class Connection extends IdleTimeouts.Timed {
    private final String name;
    private boolean asksForMoreTime;
    private boolean fails;

    Connection(String name) {
      this.name = name;
    }

    @Override
    void idleTimeoutReached(long nowNanos) {
      reached.add(name + "@" + TimeUnit.NANOSECONDS.toMillis(nowNanos - startNanos));
      if (fails) {
        throw new IllegalStateException("closing failed");
      }
      if (asksForMoreTime) {
        idle.add(this, nowNanos);
      }
    }
  }

  private long now() {
    return loop.eventLoop().ticker().nanoTime();
  }

  /** Moves the clock to {@code millis} after the start and runs the timers due by then. */
  private void at(long millis) {
    loop.advanceTimeBy(startNanos + TimeUnit.MILLISECONDS.toNanos(millis) - now(), TimeUnit.NANOSECONDS);
    loop.runScheduledPendingTasks();
  }

  @Test
  void eachConnectionTimesOutWhenItHasBeenSilentForTheWholeTimeoutWhateverTheOrderItCameIn() {
    Connection a = new Connection("a");
    Connection b = new Connection("b");
    Connection c = new Connection("c");
    idle.add(a, now());
    at(2_000);
    idle.add(b, now());
    at(4_000);
    idle.add(c, now());
    at(5_000);
    idle.touch(a, now()); // a was first on the list; now its deadline is the last one
    at(11_999);
    assertThat(reached).isEmpty();
    at(12_000);
    assertThat(reached).containsExactly("b@12000");
    at(13_999);
    assertThat(reached).containsExactly("b@12000");
    at(14_000);
    assertThat(reached).containsExactly("b@12000", "c@14000");
    at(14_999);
    assertThat(reached).containsExactly("b@12000", "c@14000");
    at(15_000);
    assertThat(reached).containsExactly("b@12000", "c@14000", "a@15000");
    at(100_000);
    assertThat(reached).as("each once").hasSize(3);
  }

  @Test
  void aConnectionWhoseTimeOutFailsLeavesTheOthersTimed() {
    Connection failing = new Connection("failing");
    failing.fails = true;
    Connection next = new Connection("next");
    Connection later = new Connection("later");
    idle.add(failing, now());
    idle.add(next, now());
    at(1_000);
    idle.add(later, now());
    Logger log = (Logger) LoggerFactory.getLogger(IdleTimeouts.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try {
      at(10_000);
      assertThat(reached).containsExactly("failing@10000", "next@10000");
      at(11_000);
      assertThat(reached).containsExactly("failing@10000", "next@10000", "later@11000");
      assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
          "idle time-out of a connection failed; it is no longer timed: java.lang.IllegalStateException: closing failed");
    } finally {
      log.detachAppender(lines);
    }
  }

  @Test
  void connectionsDueAtTheSameTimeAllTimeOutAtThatTime() {
    List<Connection> connections = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      connections.add(new Connection("c" + i));
      idle.add(connections.get(i), now());
    }
    at(9_999);
    assertThat(reached).isEmpty();
    at(10_000);
    assertThat(reached).hasSize(1000).allMatch(r -> r.endsWith("@10000"));
    assertThat(reached.get(0)).isEqualTo("c0@10000");
    assertThat(reached.get(999)).isEqualTo("c999@10000");
  }

  @Test
  void aConnectionActiveWithinEveryTimeoutNeverTimesOutUntilItFallsSilent() {
    Connection busy = new Connection("busy");
    Connection quiet = new Connection("quiet");
    idle.add(busy, now());
    idle.add(quiet, now());
    for (long t = 1_000; t <= 90_000; t += 1_000) {
      at(t);
      if (t % 9_000 == 0) {
        idle.touch(busy, now());
      }
    }
    at(99_999);
    assertThat(reached).containsExactly("quiet@10000");
    at(100_000);
    assertThat(reached).containsExactly("quiet@10000", "busy@100000");
  }

  @Test
  void aRemovedConnectionIsNeverTimedOutWhereverItStoodInTheList() {
    Connection first = new Connection("first");
    Connection middle = new Connection("middle");
    Connection kept = new Connection("kept");
    Connection last = new Connection("last");
    for (Connection c : List.of(first, middle, kept, last)) {
      idle.add(c, now());
    }
    idle.remove(first);
    idle.remove(middle);
    idle.remove(last);
    idle.remove(last); // twice is harmless
    idle.touch(middle, now()); // activity on a connection no longer timed does not time it again
    idle.remove(new Connection("never added"));
    at(10_000);
    assertThat(reached).containsExactly("kept@10000");
    at(60_000);
    assertThat(reached).containsExactly("kept@10000");
  }

  @Test
  void theOnlyConnectionRemovedAndAnotherAddedIsTimedFromItsOwnStart() {
    Connection gone = new Connection("gone");
    idle.add(gone, now());
    idle.remove(gone); // its wake-up stays pending and finds the list empty
    at(3_000);
    idle.add(new Connection("later"), now());
    at(10_000);
    assertThat(reached).isEmpty();
    at(12_999);
    assertThat(reached).isEmpty();
    at(13_000);
    assertThat(reached).containsExactly("later@13000");
  }

  @Test
  void aConnectionThatAsksForMoreTimeIsTimedAgainFromThen() {
    Connection owed = new Connection("owed");
    owed.asksForMoreTime = true;
    idle.add(owed, now());
    Connection other = new Connection("other");
    at(5_000);
    idle.add(other, now());
    at(9_999);
    assertThat(reached).isEmpty();
    at(10_000);
    assertThat(reached).containsExactly("owed@10000");
    at(15_000);
    assertThat(reached).containsExactly("owed@10000", "other@15000");
    at(19_999);
    assertThat(reached).containsExactly("owed@10000", "other@15000");
    at(20_000);
    at(30_000);
    assertThat(reached).containsExactly("owed@10000", "other@15000", "owed@20000", "owed@30000");
  }

  @Test
  void withoutATimeoutNoConnectionIsTimed() {
    assertThat(new IdleTimeouts(Duration.ZERO).of(loop.eventLoop())).isNull();
  }

  @Test
  void eachEventLoopHasOneListOfItsOwn() {
    EmbeddedChannel otherLoop = new EmbeddedChannel();
    try {
      IdleTimeouts timeouts = new IdleTimeouts(TIMEOUT);
      assertThat(timeouts.of(loop.eventLoop())).isSameAs(timeouts.of(loop.eventLoop()));
      assertThat(timeouts.of(otherLoop.eventLoop())).isNotSameAs(timeouts.of(loop.eventLoop()));
    } finally {
      otherLoop.finishAndReleaseAll();
    }
  }
}
