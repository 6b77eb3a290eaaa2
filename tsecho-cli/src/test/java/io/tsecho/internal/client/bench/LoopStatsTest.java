package io.tsecho.internal.client.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsecho.internal.client.bench.LoopStats.Counts;
import io.tsecho.internal.client.bench.LoopStats.Histograms;
import io.tsecho.internal.client.bench.LoopStats.Snapshot;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** One loop's counters: histograms per interval, counts since the start, the last connection's end. */
class LoopStatsTest {
  @Test
  void eachSnapshotHoldsItsIntervalAndStartsTheNextEmpty() {
    LoopStats stats = new LoopStats();
    stats.measured.latency.recordValue(700);
    stats.warmup.latency.recordValue(800);
    stats.measured.sendLag.recordValue(900);
    stats.measured.ok = 1;
    Snapshot first = stats.snapshot(Histograms.empty());
    assertThat(first.latency().getTotalCount()).isEqualTo(1);
    assertThat(first.latency().getMaxValue()).isEqualTo(700);
    assertThat(first.warmupLatency().getMaxValue()).isEqualTo(800);
    assertThat(first.sendLag().getMaxValue()).isEqualTo(900);

    stats.measured.latency.recordValue(100);
    stats.measured.ok = 2;
    Snapshot second = stats.snapshot(Histograms.empty());
    assertThat(second.latency().getTotalCount()).isEqualTo(1);
    assertThat(second.latency().getMaxValue()).isEqualTo(100);
    assertThat(second.warmupLatency().getTotalCount()).isZero();
    assertThat(second.sendLag().getTotalCount()).isZero();
    assertThat(second.counts().ok()).as("counts run on").isEqualTo(2);
    assertThat(first.latency().getTotalCount()).as("the handed-over set is no longer recorded into").isEqualTo(1);
  }

  @Test
  void aSnapshotSwapsInTheGivenHistogramsRatherThanCopying() {
    LoopStats stats = new LoopStats();
    Histogram recording = stats.measured.latency;
    recording.recordValue(700);
    Histograms empty = Histograms.empty();
    Snapshot s = stats.snapshot(empty);
    assertThat(s.latency()).isSameAs(recording);
    assertThat(stats.measured.latency).isSameAs(empty.latency());
    assertThat(stats.warmup.latency).isSameAs(empty.warmupLatency());
    assertThat(stats.measured.sendLag).isSameAs(empty.sendLag());
    assertThat(stats.warmup.sendLag).isSameAs(empty.warmupSendLag());
    stats.warmup.latency.recordValue(1);
    Histograms second = stats.snapshot(Histograms.empty()).histograms();
    assertThat(second.warmupLatency().getTotalCount()).isEqualTo(1);
    second.sendLag().recordValue(2);
    second.warmupSendLag().recordValue(3);
    second.latency().recordValue(4);
    assertThat(second.reset()).isSameAs(second);
    for (Histogram h : List.of(second.latency(), second.warmupLatency(), second.sendLag(), second.warmupSendLag())) {
      assertThat(h.getTotalCount()).isZero();
    }
  }

  @Test
  void theWarmUpsCountsStayOutOfTheReportAndOnlyItsLatencyIsShown() {
    LoopStats stats = new LoopStats();
    LoopStats.Phase warmup = stats.phase(BenchRun.WARMUP);
    assertThat(warmup).isSameAs(stats.warmup);
    assertThat(stats.phase(BenchRun.MEASURED)).isSameAs(stats.measured);
    warmup.ok = 5;
    warmup.bytesSent = 320;
    warmup.bytesReceived = 455;
    warmup.latency.recordValue(800);
    warmup.sendLag.recordValue(900);
    Snapshot s = stats.snapshot(Histograms.empty());
    assertThat(s.counts()).isEqualTo(Counts.ZERO);
    assertThat(s.warmupLatency().getMaxValue()).isEqualTo(800);
    assertThat(s.sendLag().getTotalCount()).isZero();
    assertThat(warmup.sendLag.getTotalCount()).as("a new interval's").isZero();
  }

  @Test
  void theLastFinishIsTheLatestEvenWhereTheClockWraps() {
    LoopStats stats = new LoopStats();
    assertThat(stats.snapshot(Histograms.empty()).anyFinished()).isFalse();
    stats.finished(Long.MAX_VALUE - 10);
    assertThat(stats.snapshot(Histograms.empty()).lastFinishNanos()).isEqualTo(Long.MAX_VALUE - 10);
    stats.finished(Long.MAX_VALUE - 20);
    assertThat(stats.snapshot(Histograms.empty()).lastFinishNanos()).as("earlier").isEqualTo(Long.MAX_VALUE - 10);
    stats.finished(Long.MAX_VALUE - 10);
    stats.finished(Long.MIN_VALUE + 5); // 16 ns later, past the wrap
    Snapshot s = stats.snapshot(Histograms.empty());
    assertThat(s.anyFinished()).isTrue();
    assertThat(s.lastFinishNanos()).isEqualTo(Long.MIN_VALUE + 5);
  }

  @Test
  void theFirstFinishCountsWhateverItsTime() {
    LoopStats stats = new LoopStats();
    stats.finished(-1_000); // before the field's initial 0
    assertThat(stats.snapshot(Histograms.empty()).lastFinishNanos()).isEqualTo(-1_000);
    assertThat(stats.snapshot(Histograms.empty()).anyFinished()).isTrue();
  }

  @Test
  void countsAddFieldByFieldAndErrorsAreTheFourKindsOfFault() {
    Counts a = new Counts(1, 2, 3, 4, 5, 6, 7, 8);
    Counts b = new Counts(10, 200, 3_000, 40_000, 500_000, 6_000_000, 70_000_000, 800_000_000);
    assertThat(a.plus(b)).isEqualTo(new Counts(11, 202, 3_003, 40_004, 500_005, 6_000_006, 70_000_007, 800_000_008));
    assertThat(b.errors()).isEqualTo(200 + 3_000 + 40_000 + 500_000);
    assertThat(Counts.ZERO.plus(a)).isEqualTo(a);
  }

  @Test
  void aSnapshotCarriesTheLoopsCountsAndInstances() {
    LoopStats stats = new LoopStats();
    stats.measured.ok = 1;
    stats.wrong = 2;
    stats.missing = 3;
    stats.extra = 4;
    stats.late = 5;
    stats.measured.bytesSent = 6;
    stats.measured.bytesReceived = 7;
    stats.connectionsLost = 8;
    new Instances.Tracker().count(stats.instances, new byte[] {'p'}, 0, 1);
    Snapshot s = stats.snapshot(Histograms.empty());
    assertThat(s.counts()).isEqualTo(new Counts(1, 2, 3, 4, 5, 6, 7, 8));
    assertThat(s.instances()).containsOnlyKeys("p");
    assertThat(s.instances().get("p")).containsExactly(1, 1);
  }
}
