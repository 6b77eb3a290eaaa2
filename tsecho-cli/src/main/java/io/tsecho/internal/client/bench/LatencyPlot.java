package io.tsecho.internal.client.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Latency by percentile, as HdrHistogram's plotter draws it: the x axis stretches the tail, so
 * 90%, 99%, 99.9% ... are evenly spaced. x is the number of nines, log10(1 / (1 - percentile)),
 * on a linear axis (XChart's tick search hangs on custom labels, so the title says how to read it).
 */
public final class LatencyPlot {
  private static final double MAX_NINES = 6; // 99.9999%

  private LatencyPlot() {}

  /**
   * Draws the latency by percentile into {@code png}.
   *
   * @throws PlotFailedException when the file cannot be written, or the machine has no font to draw
   *     with (a minimal image or host without fontconfig fonts): one line, never the JDK's stack trace
   */
  public static void write(Histogram nanos, String title, Path png) throws PlotFailedException {
    try {
      draw(nanos, title, png);
    } catch (IOException e) {
      throw new PlotFailedException("cannot write " + png + ": " + e.getMessage(), e);
    } catch (InternalError | RuntimeException e) {
      // AWT reports a machine without fonts as an InternalError or RuntimeException from its font manager.
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw new PlotFailedException("cannot draw " + png + ": " + cause.getMessage() + " (install fontconfig and a font, such"
          + " as Debian's fonts-dejavu-core, or draw it on another machine from an --hdr-log file with bench merge"
          + " --plot)", e);
    }
  }

  private static void draw(Histogram nanos, String title, Path png) throws IOException {
    Curve curve = curve(nanos);
    XYChart chart = new XYChartBuilder().width(900).height(500).title(title)
        .xAxisTitle("percentile, in nines: 1 = 90%, 2 = 99%, 3 = 99.9%, 4 = 99.99%").yAxisTitle("latency (µs)").build();
    chart.getStyler().setXAxisMin(0.0);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisDecimalPattern("0");
    chart.addSeries("latency", curve.nines(), curve.micros()).setMarker(SeriesMarkers.NONE);
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** The points of the chart: x in nines of each percentile step, y its latency in microseconds. */
  record Curve(List<Double> nines, List<Double> micros) {}

  /** The points to draw; an empty histogram is one point at the origin, so that the chart still draws. */
  static Curve curve(Histogram nanos) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (HistogramIterationValue v : nanos.percentiles(5)) {
      double fraction = v.getPercentileLevelIteratedTo() / 100.0;
      double x = fraction >= 1 ? MAX_NINES : Math.min(MAX_NINES, Math.log10(1 / (1 - fraction)));
      xs.add(x);
      ys.add(v.getValueIteratedTo() / 1e3);
    }
    if (xs.isEmpty()) {
      xs.add(0.0);
      ys.add(0.0);
    }
    return new Curve(xs, ys);
  }

  /** The chart could not be drawn or written; the report it would show has been printed already. */
  public static final class PlotFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    PlotFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
