package io.tsecho.client.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateScheduleTest {
  private static final long START = 1_000_000_000L;

  @Test
  void connectionsInterleaveIntoOneEvenStream() {
    RateSchedule s = new RateSchedule(START, 1000, 4); // one request per ms across 4 connections
    assertThat(s.intendedNanos(0, 0)).isEqualTo(START);
    assertThat(s.intendedNanos(1, 0)).isEqualTo(START + 1_000_000);
    assertThat(s.intendedNanos(3, 0)).isEqualTo(START + 3_000_000);
    assertThat(s.intendedNanos(0, 1)).isEqualTo(START + 4_000_000);
    assertThat(s.intendedNanos(2, 5)).isEqualTo(START + 22_000_000);
  }

  @Test
  void countsWhatIsDueByAMoment() {
    RateSchedule s = new RateSchedule(START, 1000, 4);
    assertThat(s.dueBy(0, START - 1)).isZero();
    assertThat(s.dueBy(0, START)).isEqualTo(1);
    assertThat(s.dueBy(1, START)).isZero();
    assertThat(s.dueBy(1, START + 999_999)).isZero();
    assertThat(s.dueBy(1, START + 1_000_000)).isEqualTo(1);
    // After 10 ms, global requests 0..10 are due: connection 2 owns 2, 6, 10.
    assertThat(s.dueBy(2, START + 10_000_000)).isEqualTo(3);
    long total = 0;
    for (int k = 0; k < 4; k++) {
      total += s.dueBy(k, START + 10_000_000);
    }
    assertThat(total).isEqualTo(11);
  }

  @Test
  void aFractionalRateKeepsItsPace() {
    RateSchedule s = new RateSchedule(0, 3, 1);
    assertThat(s.intendedNanos(0, 3)).isEqualTo(1_000_000_000L);
    assertThat(s.intendedNanos(0, 1)).isEqualTo(333_333_333L);
  }
}
