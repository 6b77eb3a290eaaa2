package io.tsecho.internal.client.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
