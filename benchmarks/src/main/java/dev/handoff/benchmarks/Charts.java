package dev.handoff.benchmarks;

import dev.handoff.benchmarks.Results.Row;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The charts of one profile run, drawn with JFreeChart from the JMH JSON: throughput against threads for the
 * engine's paths beside the nimbus baseline and the floors ({@code engine-throughput.png}), and each JDBC
 * operation beside its bare statements ({@code jdbc.png}).
 */
final class Charts {
  /** Series of the throughput chart: benchmark, legend. Dashed ones are baselines and floors. */
  private static final List<String[]> ENGINE_SERIES = List.of(
      new String[] {"TokenBenchmark.handoffMint", "Handoff mint (token only)"},
      new String[] {"EngineBenchmark.plainNimbusMint", "plain nimbus mint (baseline)"},
      new String[] {"EngineBenchmark.create", "create"},
      new String[] {"EngineBenchmark.redeem", "redeem"},
      new String[] {"EngineBenchmark.createAndRedeem", "create + redeem"},
      new String[] {"EngineBenchmark.authenticate", "authenticate"},
      new String[] {"EngineBenchmark.authenticateFloor", "authenticate floor: lookup + HMAC"});

  private Charts() {}

  /** Writes the charts the results allow into {@code dir}; returns the files written. */
  static List<Path> write(Results results, Path dir, String profile) throws IOException {
    System.setProperty("java.awt.headless", "true");
    var written = new java.util.ArrayList<Path>();
    Path engine = dir.resolve("engine-throughput.png");
    if (engineChart(results, engine, profile)) {
      written.add(engine);
    }
    Path jdbc = dir.resolve("jdbc.png");
    if (jdbcChart(results, jdbc, profile)) {
      written.add(jdbc);
    }
    return written;
  }

  private static boolean engineChart(Results results, Path file, String profile) throws IOException {
    var data = new XYSeriesCollection();
    for (String[] series : ENGINE_SERIES) {
      var xy = new XYSeries(series[1]);
      for (int threads : results.threadCounts()) {
        results.find(series[0], threads).ifPresent(r -> xy.add(threads, r.throughput()));
      }
      if (!xy.isEmpty()) {
        data.addSeries(xy);
      }
    }
    if (data.getSeriesCount() == 0) {
      return false;
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Engine on the in-memory store: throughput vs threads ("
        + profile + " profile, 2 vCPUs)", "threads", "operations per second (all threads)", data,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    var range = new LogAxis("operations per second (all threads, log scale)");
    range.setSmallestValue(1);
    range.setTickUnit(new NumberTickUnit(1)); // one tick per decade, labelled in plain numbers
    range.setMinorTickCount(9);
    range.setMinorTickMarksVisible(true);
    range.setNumberFormatOverride(NumberFormat.getIntegerInstance(Locale.ROOT));
    plot.setRangeAxis(range);
    var domain = (NumberAxis) plot.getDomainAxis();
    domain.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    var renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      String name = (String) data.getSeriesKey(i);
      if (name.contains("baseline") || name.contains("floor")) {
        renderer.setSeriesStroke(i, new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
            new float[] {6f, 4f}, 0f));
      } else {
        renderer.setSeriesStroke(i, new BasicStroke(2f));
      }
    }
    plot.setRenderer(renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 620);
    return true;
  }

  private static boolean jdbcChart(Results results, Path file, String profile) throws IOException {
    var data = new DefaultCategoryDataset();
    for (String db : Report.DATABASES) {
      for (String op : Report.JDBC_OPERATIONS) {
        String bare = "bare" + Character.toUpperCase(op.charAt(0)) + op.substring(1);
        Optional<Row> engine = results.find("JdbcBenchmark." + op, 1, Map.of("db", db));
        Optional<Row> floor = results.find("JdbcBenchmark." + bare, 1, Map.of("db", db));
        if (engine.isPresent() && floor.isPresent()) {
          String category = db + " " + op;
          data.addValue(engine.get().mean() / 1e3, "Handoff (engine + JdbcSessionStore)", category);
          data.addValue(floor.get().mean() / 1e3, "bare prepared statement(s)", category);
        }
      }
    }
    if (data.getColumnCount() == 0) {
      return false;
    }
    JFreeChart chart = ChartFactory.createBarChart("JDBC store through HikariCP: each operation beside its bare "
        + "statements (" + profile + " profile, 1 thread)", null, "µs per operation (mean, lower is better)", data,
        PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 620);
    return true;
  }
}
