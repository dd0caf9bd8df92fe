package io.tickengine.ml.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots of the threshold sweep and of backtest equity curves (XChart, rendered headless). */
public final class Charts {
    private Charts() {}

    /** Writes coverage and precision against the threshold. */
    public static void sweep(final List<ThresholdSweep.Point> points, final double chosen, final Path png) {
        headless();
        final XYChart chart = new XYChartBuilder()
                .width(800)
                .height(500)
                .title("Threshold sweep (chosen " + chosen + ")")
                .xAxisTitle("threshold")
                .yAxisTitle("share")
                .build();
        final double[] x = new double[points.size()];
        final double[] coverage = new double[points.size()];
        final double[] precision = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            x[i] = points.get(i).threshold();
            coverage[i] = points.get(i).coverage();
            precision[i] =
                    Double.isNaN(points.get(i).precision()) ? 0 : points.get(i).precision();
        }
        chart.addSeries("coverage", x, coverage).setMarker(SeriesMarkers.NONE);
        chart.addSeries("precision", x, precision).setMarker(SeriesMarkers.NONE);
        save(chart, png);
    }

    /** Writes equity curves (cumulative log return) against bar open time. */
    public static void equity(
            final long[] timeMsc, final double[] strategy, final double[] buyAndHold, final Path png) {
        headless();
        final XYChart chart = new XYChartBuilder()
                .width(900)
                .height(500)
                .title("Backtest equity (cumulative log return)")
                .xAxisTitle("bar")
                .yAxisTitle("log return")
                .build();
        final double[] x = new double[timeMsc.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        if (x.length > 0) {
            chart.addSeries("model", x, strategy).setMarker(SeriesMarkers.NONE);
            chart.addSeries("buy and hold", x, buyAndHold).setMarker(SeriesMarkers.NONE);
        }
        save(chart, png);
    }

    private static void save(final XYChart chart, final Path png) {
        try {
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write the chart [file=" + png + "]", e);
        }
    }

    private static void headless() {
        System.setProperty("java.awt.headless", "true");
    }
}
