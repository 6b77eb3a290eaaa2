package io.tsecho.internal.client.bench;

import static io.tsecho.internal.client.bench.EmbeddedLoad.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.internal.client.bench.EmbeddedLoad.Settings;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pacer's timer on an event loop whose time the test moves. */
class PacerTest {
  @Test
  void theTimerFirstWakesAtTheFirstSlotAndThenOncePerPeriod() {
    Settings s = new Settings();
    s.rate = 1;
    s.depth = 4;
    try (EmbeddedLoad load = new EmbeddedLoad(s)) {
      load.channel.freezeTime();
      Pacer pacer = new Pacer(load.run, List.of(load.connection), T0 + 1_000, 500);
      load.connection.start(0, pacer, 0);
      pacer.start(load.channel.eventLoop());

      load.now = T0 + 1_000;
      load.channel.runPendingTasks();
      assertThat(load.sent()).as("the loop's own clock has not reached the first slot").isEmpty();
      load.channel.advanceTimeBy(999, TimeUnit.NANOSECONDS);
      load.channel.runPendingTasks();
      assertThat(load.sent()).isEmpty();
      load.channel.advanceTimeBy(1, TimeUnit.NANOSECONDS);
      load.channel.runPendingTasks();
      assertThat(load.sent()).extracting(l -> l.substring(0, 16)).containsExactly("0003000000000000");

      load.now = T0 + 1_500;
      load.channel.advanceTimeBy(500, TimeUnit.NANOSECONDS);
      load.channel.runPendingTasks();
      assertThat(load.sent()).extracting(l -> l.substring(0, 16)).containsExactly("0003000000000001");
    }
  }
}
