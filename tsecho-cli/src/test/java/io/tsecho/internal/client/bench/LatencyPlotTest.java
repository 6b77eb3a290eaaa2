package io.tsecho.internal.client.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyPlotTest {
  @TempDir
  Path dir;

  @Test
  void drawsAPng() throws Exception {
    Histogram nanos = new Histogram(3);
    for (long v = 1_000; v <= 1_000_000; v += 1_000) {
      nanos.recordValue(v);
    }
    Path png = dir.resolve("latency.png");
    LatencyPlot.write(nanos, "test", png);
    byte[] head = Files.readAllBytes(png);
    assertThat(head).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }

  @Test
  void aFileThatCannotBeWrittenIsOneLineNamingIt() {
    Path png = dir.resolve("no-such-dir").resolve("latency.png");
    assertThatThrownBy(() -> LatencyPlot.write(new Histogram(3), "test", png))
        .isInstanceOf(LatencyPlot.PlotFailedException.class)
        .hasMessageStartingWith("cannot write " + png + ": ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void eachPercentileIsPlacedByItsNinesAndItsLatencyInMicroseconds() {
    Histogram nanos = new Histogram(1, 3_600_000_000_000L, 3);
    for (long v = 1; v <= 100; v++) {
      nanos.recordValue(v * 1_000);
    }
    LatencyPlot.Curve curve = LatencyPlot.curve(nanos);
    List<Double> x = curve.nines();
    List<Double> y = curve.micros();
    assertThat(x).hasSameSizeAs(y).isSorted();
    assertThat(x.get(0)).as("0%%").isZero();
    assertThat(y.get(0)).isEqualTo(1.0);
    int median = x.indexOf(Math.log10(2));
    assertThat(median).as("50%% is log10(2) nines").isPositive();
    assertThat(y.get(median)).isEqualTo(nanos.highestEquivalentValue(50_000) / 1e3);
    int p90 = indexOfNines(x, 1);
    assertThat(y.get(p90)).isEqualTo(nanos.highestEquivalentValue(90_000) / 1e3);
    assertThat(x.get(x.size() - 1)).as("100%%, drawn at the right edge").isEqualTo(6.0);
    assertThat(y.get(y.size() - 1)).isEqualTo(nanos.highestEquivalentValue(100_000) / 1e3);
  }

  /** Where x is {@code nines}, give or take the rounding of log10. */
  private static int indexOfNines(List<Double> x, double nines) {
    for (int i = 0; i < x.size(); i++) {
      if (Math.abs(x.get(i) - nines) < 1e-9) {
        return i;
      }
    }
    throw new AssertionError("no point at " + nines + " nines in " + x);
  }

  @Test
  void anEmptyHistogramIsOnePointAtTheOrigin() {
    LatencyPlot.Curve curve = LatencyPlot.curve(new Histogram(3));
    assertThat(curve.nines()).containsExactly(0.0);
    assertThat(curve.micros()).containsExactly(0.0);
  }

  @Test
  void aMachineWithoutFontsIsOneLineNamingTheRootCauseAndTheFix() {
    // As AWT fails on a host without fontconfig fonts: a runtime error whose root cause says why.
    Histogram broken = new Histogram(3) {
      @Override
      public Percentiles percentiles(int ticksPerHalfDistance) {
        throw new IllegalStateException("font manager", new InternalError("Fontconfig head is null"));
      }
    };
    Path png = dir.resolve("latency.png");
    assertThatThrownBy(() -> LatencyPlot.write(broken, "test", png))
        .isInstanceOf(LatencyPlot.PlotFailedException.class)
        .hasMessage("cannot draw " + png + ": Fontconfig head is null (install fontconfig and a font, such as"
            + " Debian's fonts-dejavu-core, or draw it on another machine from an --hdr-log file with bench merge"
            + " --plot)");
  }
}
