package io.tsecho.soak;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The samples over time as one PNG, a panel per measure: the measure, the end of the settling time
 * as a vertical line, and the least-squares line the verdict was drawn from.
 */
final class SamplePlot {
  /** One panel: its title, its unit and its values (NaN where not measured). */
  record Panel(String title, String unit, double[] values) {}

  private SamplePlot() {}

  static void write(Path png, String title, double[] seconds, List<Panel> panels, double settleSeconds)
      throws IOException {
    List<XYChart> charts = new ArrayList<>();
    for (Panel p : panels) {
      charts.add(chart(title + ": " + p.title(), p.unit(), seconds, p.values(), settleSeconds));
    }
    int cols = 2;
    int rows = (charts.size() + cols - 1) / cols;
    BitmapEncoder.saveBitmap(charts, rows, cols, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static XYChart chart(String title, String unit, double[] seconds, double[] values, double settleSeconds) {
    XYChart chart = new XYChartBuilder().width(640).height(360).title(title).xAxisTitle("minutes").yAxisTitle(unit)
        .build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisDecimalPattern("0");
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < seconds.length; i++) {
      if (!Double.isNaN(values[i])) {
        xs.add(seconds[i] / 60);
        ys.add(values[i]);
        min = Math.min(min, values[i]);
        max = Math.max(max, values[i]);
      }
    }
    if (xs.isEmpty()) {
      xs.add(0.0);
      ys.add(0.0);
      min = 0;
      max = 1;
    }
    chart.addSeries("measured", xs, ys).setMarker(SeriesMarkers.NONE);
    chart.addSeries("settled", new double[] {settleSeconds / 60, settleSeconds / 60}, new double[] {min, max})
        .setMarker(SeriesMarkers.NONE);
    Trend.Fit fit = Trend.Fit.of(seconds, values, settleSeconds);
    if (!Double.isNaN(fit.slope())) {
      XYSeries line = chart.addSeries("trend", new double[] {fit.fromSeconds() / 60, fit.toSeconds() / 60},
          new double[] {fit.at(fit.fromSeconds()), fit.at(fit.toSeconds())});
      line.setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }
}
