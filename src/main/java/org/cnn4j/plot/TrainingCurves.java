package org.cnn4j.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.cnn4j.model.History;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Line charts of a metric per epoch, training against validation, as the two matplotlib plots after
 * a Keras fit: "Model accuracy" and "Model loss", epochs numbered from 1, 800x500 PNG. A history
 * without validation metrics gets the training line alone. Drawn into an image, so no display is
 * needed.
 */
public final class TrainingCurves {
  /** The size of each PNG in pixels. */
  public static final int WIDTH = 800;

  /** The charts' height in pixels. */
  public static final int HEIGHT = 500;

  // matplotlib's first two default colours, so the pictures look like the seed's.
  private static final Color TRAIN = new Color(0x1f77b4);
  private static final Color VALIDATION = new Color(0xff7f0e);
  private static final Color GRID = new Color(0xdddddd);

  private TrainingCurves() {}

  /**
   * Writes "Model accuracy": {@code accuracy} (or {@code sparse_categorical_accuracy}, or any other
   * metric ending in "accuracy") and its {@code val_} counterpart.
   *
   * @throws IllegalArgumentException if the history has no epochs or no accuracy metric
   */
  public static void writeAccuracy(History h, Path png) throws IOException {
    requireEpochs(h);
    String metric =
        h.metrics().stream()
            .filter(m -> m.endsWith("accuracy") && !m.startsWith("val_"))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the history has no accuracy metric, only "
                            + h.metrics()
                            + "; compile the model with metrics=accuracy"));
    write(h, metric, "Model accuracy", "accuracy", png);
  }

  /**
   * Writes "Model loss": {@code loss} and {@code val_loss}.
   *
   * @throws IllegalArgumentException if the history has no epochs or no loss
   */
  public static void writeLoss(History h, Path png) throws IOException {
    write(h, "loss", "Model loss", "loss", png);
  }

  /**
   * Writes "Learning rate": the "learning_rate" of each epoch (the rate of the
   * update after it), on a logarithmic axis when every rate is positive, so that
   * step decays by factors of 10 read as equal steps.
   *
   * @throws IllegalArgumentException if the history has no epochs or no learning rate
   */
  public static void writeLearningRate(History h, Path png) throws IOException {
    requireEpochs(h);
    if (!h.metrics().contains("learning_rate")) {
      throw new IllegalArgumentException("the history has no \"learning_rate\", only " + h.metrics());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    XYSeries rates = series("learning rate", h.get("learning_rate"));
    data.addSeries(rates);
    JFreeChart chart = chart("Learning rate", "learning rate", data);
    boolean positive = rates.getItemCount() > 0 && rates.getMinY() > 0;
    if (positive && rates.getMaxY() > rates.getMinY()) {
      LogAxis axis = new LogAxis("learning rate");
      axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
      axis.setSmallestValue(rates.getMinY() / 2);
      chart.getXYPlot().setRangeAxis(axis);
    }
    AtomicFile.writePng(png, chart.createBufferedImage(WIDTH, HEIGHT));
  }

  /**
   * Writes the chart of any recorded metric and, when present, its {@code val_} counterpart.
   *
   * @param metric a key of the history such as "loss"; must not start with "val_"
   * @throws IllegalArgumentException if the history has no epochs or never recorded {@code metric}
   */
  public static void write(History h, String metric, String title, String yLabel, Path png)
      throws IOException {
    requireEpochs(h);
    if (metric.startsWith("val_")) {
      throw new IllegalArgumentException(
          "pass the training metric (\""
              + metric.substring(4)
              + "\"), not \""
              + metric
              + "\"; its validation line is added when recorded");
    }
    List<String> metrics = h.metrics();
    if (!metrics.contains(metric)) {
      throw new IllegalArgumentException(
          "the history has no metric \"" + metric + "\", only " + metrics);
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(series("train", h.get(metric)));
    XYSeries validation = series("validation", h.get("val_" + metric));
    if (validation.getItemCount() > 0) data.addSeries(validation);
    AtomicFile.writePng(png, chart(title, yLabel, data).createBufferedImage(WIDTH, HEIGHT));
  }

  private static void requireEpochs(History h) {
    if (h.epochs() == 0) throw new IllegalArgumentException("the history has no epochs to plot");
  }

  /**
   * Epoch i (from 0) becomes x = i + 1; NaN or infinite values are left out, not drawn at an edge.
   */
  private static XYSeries series(String name, double[] values) {
    XYSeries s = new XYSeries(name, false, true);
    for (int i = 0; i < values.length; i++) {
      if (Double.isFinite(values[i])) s.add(i + 1, values[i]);
    }
    return s;
  }

  private static JFreeChart chart(String title, String yLabel, XYSeriesCollection data) {
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, "epoch", yLabel, data, PlotOrientation.VERTICAL, true, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    chart.setPadding(new RectangleInsets(8, 8, 8, 16));
    LegendTitle legend = chart.getLegend();
    legend.setPosition(RectangleEdge.TOP);
    legend.setFrame(BlockBorder.NONE);
    legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));

    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setOutlinePaint(Color.GRAY);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setDomainGridlineStroke(new BasicStroke(1f));
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
    for (NumberAxis axis :
        List.of((NumberAxis) plot.getDomainAxis(), (NumberAxis) plot.getRangeAxis())) {
      axis.setAutoRangeIncludesZero(false);
      axis.setTickLabelFont(tickFont);
      axis.setLabelFont(labelFont);
    }
    // Whole epochs only: a tick at 2.5 would suggest a measurement there.
    plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    // One epoch, or a flat metric, spans no range; give it a tenth of its size so the ticks stay
    // readable instead of repeating one value.
    double largest =
        Math.max(
            Math.abs(data.getRangeLowerBound(false)), Math.abs(data.getRangeUpperBound(false)));
    double size = largest / 10; // NaN when no value is finite
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeMinimumSize(size > 1e-6 ? size : 1e-6);

    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    Color[] colours = {TRAIN, VALIDATION};
    for (int s = 0; s < data.getSeriesCount(); s++) {
      renderer.setSeriesPaint(s, colours[s]);
      renderer.setSeriesStroke(
          s, new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      renderer.setSeriesShape(s, new Ellipse2D.Double(-3.5, -3.5, 7, 7));
    }
    plot.setRenderer(renderer);
    return chart;
  }
}
