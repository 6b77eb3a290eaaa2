package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.config.Fault;
import io.tsecho.config.Protocol;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FaultsTest {
  @Test
  void theSummaryNamesEachKindThatHitInTheOrderOfTheKinds() {
    Faults faults = new Faults(List.of(), 1);
    assertThat(faults.appliedSummary()).isEmpty();
    faults.recordApplied(Fault.Kind.RESET);
    assertThat(faults.appliedSummary()).isEqualTo("reset=1");
    faults.recordApplied(Fault.Kind.LATENCY);
    faults.recordApplied(Fault.Kind.LATENCY);
    faults.recordApplied(Fault.Kind.SLOW_CLOSE);
    assertThat(faults.appliedSummary()).isEqualTo("latency=2 reset=1 slow-close=1");
    assertThat(faults.applied(Fault.Kind.LATENCY)).isEqualTo(2);
    assertThat(faults.applied(Fault.Kind.DROP)).isZero();
  }

  @Test
  void onlyAFaultOfTheListenersProtocolCountsForIt() {
    Faults faults = new Faults(List.of(Fault.parse("drop"), Fault.parse("duplicate")), 1);
    assertThat(faults.anyFor(Protocol.UDP)).isTrue();
    assertThat(faults.anyFor(Protocol.TCP)).isFalse();
    assertThat(faults.anyFor(Protocol.TLS)).isFalse();
    faults.set(List.of(Fault.parse("drop"), Fault.parse("stall")));
    assertThat(faults.anyFor(Protocol.TLS)).as("a TCP fault further down the list").isTrue();
    assertThat(faults.active()).containsExactly(Fault.parse("drop"), Fault.parse("stall"));
    faults.clear();
    assertThat(faults.anyFor(Protocol.UDP)).isFalse();
    assertThat(faults.active()).isEmpty();
  }

  @Test
  void aCertainFaultIsDrawnEveryTimeAndAnImpossibleOneNever() {
    Faults faults = new Faults(List.of(Fault.parse("stall"), Fault.parse("reset@0"), Fault.parse("drop")), 3);
    for (int i = 0; i < 100; i++) {
      assertThat(faults.draw(Protocol.TCP)).containsExactly(Fault.parse("stall"));
    }
    assertThat(faults.draw(Protocol.UDP)).containsExactly(Fault.parse("drop"));
    assertThat(faults.seed()).isEqualTo(3);
  }

  @Test
  void jitterIsUniformWithinItsBoundAndRepeatsWithTheSeed() {
    Faults faults = new Faults(List.of(), 11);
    assertThat(faults.jitterNanos(0)).isZero();
    Random replay = new Random(11);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 1000; i++) {
      long jitter = faults.jitterNanos(1_000_000);
      assertThat(jitter).isEqualTo((long) ((replay.nextDouble() * 2 - 1) * 1_000_000));
      min = Math.min(min, jitter);
      max = Math.max(max, jitter);
    }
    assertThat(min).as("both signs").isBetween(-1_000_000L, -900_000L);
    assertThat(max).isBetween(900_000L, 1_000_000L);
  }
}
