package io.tsecho.internal.client.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.tsecho.config.Service;
import io.tsecho.config.Transport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The run's timeline holds for any origin of {@code System.nanoTime()}, negative and wrapping ones included. */
class BenchRunTest {
  private static BenchOptions options(long requests, Duration warmup) {
    return options(requests, warmup, Service.STAMP);
  }

  private static BenchOptions options(long requests, Duration warmup, Service service) {
    return new BenchOptions("127.0.0.1", 1, 2, 1, 64, Duration.ofSeconds(1), requests, warmup, false, 0, 1,
        Duration.ofSeconds(5), Duration.ofSeconds(5), service, Transport.NIO);
  }

  @Test
  void aRunOfNRequestsStartsThemWhenTheClockIsNegative() {
    BenchRun run = new BenchRun(options(100, Duration.ZERO), () -> 0);
    long now = -5_000_000_000L;
    run.begin(now, 2);
    assertThat(run.mayStart(now)).isTrue();
    assertThat(run.mayStart(now + 3_600_000_000_000L)).as("an hour later: only the count ends it").isTrue();
    assertThat(run.measured(now)).isTrue();
  }

  @Test
  void theWarmUpAndTheEndHoldWhereTheClockWrapsAround() {
    BenchRun run = new BenchRun(options(0, Duration.ofMillis(500)), () -> 0);
    long now = Long.MAX_VALUE - 700_000_000L; // the measured second ends past the wrap
    run.begin(now, 2);
    assertThat(run.measured(now + 499_999_999L)).isFalse();
    assertThat(run.measured(now + 500_000_000L)).isTrue();
    assertThat(run.phaseOf(now - 1)).isEqualTo(BenchRun.WARMUP);
    assertThat(run.phaseOf(now + 499_999_999L)).isEqualTo(BenchRun.WARMUP);
    assertThat(run.phaseOf(now + 500_000_000L)).isEqualTo(BenchRun.MEASURED);
    assertThat(run.phaseOf(now + 1_500_000_000L)).as("past the wrap").isEqualTo(BenchRun.MEASURED);
    assertThat(run.mayStart(now + 1_499_999_999L)).isTrue();
    assertThat(run.mayStart(now + 1_500_000_000L)).isFalse();
  }

  @Test
  void stoppingEndsEveryStart() {
    BenchRun run = new BenchRun(options(100, Duration.ZERO), () -> 0);
    run.begin(-1, 1);
    run.stop();
    assertThat(run.mayStart(0)).isFalse();
  }

  @Test
  void theFirstStopCountsAndItsTimeIsKept() {
    long[] now = {-3_000};
    BenchRun run = new BenchRun(options(0, Duration.ZERO), () -> now[0]);
    run.begin(-5_000, 1);
    assertThat(run.stopped()).isFalse();
    assertThat(run.mayStart(-4_000)).isTrue();
    run.stop();
    now[0] = 9_000;
    run.stop();
    assertThat(run.stopped()).isTrue();
    assertThat(run.stoppedAtNanos()).isEqualTo(-3_000);
  }

  @Test
  void theRunIsFinishedOnlyWhenEveryConnectionHasSaidSo() throws Exception {
    BenchRun run = new BenchRun(options(100, Duration.ZERO), () -> 0);
    run.begin(0, 2);
    run.connectionFinished();
    assertThat(run.awaitFinished(0)).isFalse();
    run.connectionFinished();
    assertThat(run.awaitFinished(0)).isTrue();
  }

  @Test
  void whatTheRepliesHoldFollowsTheService() {
    BenchRun stamp = new BenchRun(options(100, Duration.ZERO), () -> 0);
    assertThat(stamp.stamped()).isTrue();
    assertThat(stamp.whoami()).isFalse();
    BenchRun echo = new BenchRun(options(100, Duration.ZERO, Service.ECHO), () -> 0);
    assertThat(echo.stamped()).isFalse();
    assertThat(echo.whoami()).isFalse();
    BenchRun whoami = new BenchRun(options(100, Duration.ZERO, Service.WHOAMI), () -> 0);
    assertThat(whoami.stamped()).isTrue();
    assertThat(whoami.whoami()).isTrue();
  }

  @Test
  void eachLoopHasItsOwnCountersMadeOnFirstUse() {
    BenchRun run = new BenchRun(options(100, Duration.ZERO), () -> 0);
    EmbeddedChannel a = new EmbeddedChannel();
    EmbeddedChannel b = new EmbeddedChannel();
    try {
      LoopStats first = run.statsOf(a.eventLoop());
      assertThat(run.statsOf(a.eventLoop())).isSameAs(first);
      assertThat(run.statsOf(b.eventLoop())).isNotSameAs(first);
      assertThat(run.stats()).containsOnlyKeys(a.eventLoop(), b.eventLoop()).containsEntry(a.eventLoop(), first);
    } finally {
      a.finishAndReleaseAll();
      b.finishAndReleaseAll();
    }
  }

  @Test
  void tlsRefusalsAreCountedAndTheFirstCauseKept() {
    BenchRun run = new BenchRun(options(100, Duration.ZERO), () -> 0);
    assertThat(run.tlsRefusals()).isZero();
    assertThat(run.tlsRefusal()).isNull();
    Exception first = new Exception("certificate required");
    run.tlsRefused(first);
    run.tlsRefused(new Exception("bad certificate"));
    assertThat(run.tlsRefusals()).isEqualTo(2);
    assertThat(run.tlsRefusal()).isSameAs(first);
  }

  @Test
  void theMainThreadDoesNotWaitOnceTheRunIsStoppedOrFinished() throws Exception {
    BenchRun stopped = new BenchRun(options(100, Duration.ZERO), () -> 0);
    stopped.begin(0, 1);
    stopped.stop();
    assertThat(stopped.awaitFinishedOrStopped(TimeUnit.MINUTES.toNanos(10))).isFalse();
    BenchRun finished = new BenchRun(options(100, Duration.ZERO), () -> 0);
    finished.begin(0, 1);
    finished.connectionFinished();
    assertThat(finished.awaitFinishedOrStopped(TimeUnit.MINUTES.toNanos(10))).isTrue();
  }

  @Test
  void aStopOrTheLastConnectionWakesTheWaitingMainThread() throws Exception {
    BenchRun run = new BenchRun(options(100, Duration.ZERO), () -> 0);
    run.begin(0, 2);
    assertThat(waitInAnotherThread(run, run::stop)).as("stopped, not finished").isFalse();
    BenchRun other = new BenchRun(options(100, Duration.ZERO), () -> 0);
    other.begin(0, 2);
    other.connectionFinished();
    assertThat(waitInAnotherThread(other, other::connectionFinished)).as("the last one finished").isTrue();
  }

  @Test
  void anInterruptEndsTheWait() throws Exception {
    BenchRun run = new BenchRun(options(100, Duration.ZERO), () -> 0);
    run.begin(0, 1);
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> run.awaitFinishedOrStopped(TimeUnit.MINUTES.toNanos(10)))
        .isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
  }

  /** Parks a thread for up to 10 minutes, runs {@code wake} once it is parked, and returns what the wait said. */
  private static boolean waitInAnotherThread(BenchRun run, Runnable wake) throws Exception {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    Thread waiter = new Thread(() -> {
      try {
        result.complete(run.awaitFinishedOrStopped(TimeUnit.MINUTES.toNanos(10)));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    waiter.start();
    while (LockSupport.getBlocker(waiter) != run && !result.isDone()) {
      Thread.sleep(1);
    }
    wake.run();
    return result.get(1, TimeUnit.MINUTES);
  }
}
