package io.tsecho.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DrainTest {
  private final Health health = new Health();
  private final List<String> steps = new CopyOnWriteArrayList<>();
  private final CountDownLatch serverClosed = new CountDownLatch(1);

  private Drain drain(Duration delay, boolean withAdmin) {
    health.ready();
    Runnable closeServer = () -> {
      steps.add("server closed while " + health.state().text());
      serverClosed.countDown();
    };
    AutoCloseable admin = () -> steps.add("admin closed while " + health.state().text());
    return new Drain(delay, health, closeServer, withAdmin ? admin : null, System::nanoTime);
  }

  @Test
  void readinessFailsAtOnceThenTheServerClosesThenTheAdminEndpoint() throws Exception {
    Drain drain = drain(Duration.ZERO, true);
    drain.request();
    assertThat(health.state()).isIn(Health.State.DRAINING, Health.State.STOPPED);
    assertThat(health.state().ready()).isFalse();
    awaitFinished(drain);
    assertThat(steps).containsExactly("server closed while draining", "admin closed while stopped");
    assertThat(health.state().live()).isFalse();
  }

  @Test
  void theServerGoesOnServingForTheDelay() throws Exception {
    Drain drain = drain(Duration.ofMillis(300), false);
    long start = System.nanoTime();
    drain.request();
    assertThat(health.state()).isEqualTo(Health.State.DRAINING);
    assertThat(health.state().live()).as("still serving").isTrue();
    awaitFinished(drain);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(300);
    assertThat(steps).containsExactly("server closed while draining");
  }

  @Test
  void aSecondRequestCutsTheDelayShort() throws Exception {
    Drain drain = drain(Duration.ofHours(1), true);
    drain.request();
    assertThat(serverClosed.await(200, TimeUnit.MILLISECONDS)).as("closed before the delay").isFalse();
    drain.request();
    awaitFinished(drain);
    assertThat(steps).containsExactly("server closed while draining", "admin closed while stopped");
  }

  @Test
  void awaitingReturnsOnlyOnceEverythingIsClosed() throws Exception {
    Drain drain = drain(Duration.ofHours(1), true);
    Thread waiter = new Thread(drain::awaitFinished);
    waiter.start();
    drain.request();
    assertThat(serverClosed.await(200, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(waiter.isAlive()).isTrue();
    drain.request();
    waiter.join(10_000);
    assertThat(waiter.isAlive()).isFalse();
    assertThat(steps).hasSize(2);
  }

  private static void awaitFinished(Drain drain) throws Exception {
    Thread waiter = new Thread(drain::awaitFinished);
    waiter.start();
    waiter.join(10_000);
    assertThat(waiter.isAlive()).as("finished within 10 s").isFalse();
  }
}
