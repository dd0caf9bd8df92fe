package io.tickengine.bench.report;

import io.tickengine.bench.Args;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Draws latency-by-percentile curves (HdrHistogram style: the x axis is {@code 1/(1-percentile)} on a log scale, so
 * the tail gets the room; latency on a log scale too) into a PNG with Java2D. {@code plot OUT.png A.hgrm [B.hgrm...]} plots {@code .hgrm} files
 * (values in milliseconds, as the load generator writes them); the series are named after the files.
 */
public final class PercentilePlot {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 600;
    private static final int LEFT = 80;
    private static final int RIGHT = 200;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final double MAX_NINES = 5; // 99.999%
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)
    };

    private PercentilePlot() {}

    /** One curve: percentiles (0..100) and their latencies in milliseconds. */
    public record Series(String name, double[] percentiles, double[] millis) {
        /** @param h latencies in nanoseconds. */
        public Series(final String name, final Histogram h) {
            this(name, points(h, true), points(h, false));
        }

        private static double[] points(final Histogram h, final boolean percentiles) {
            final List<Double> values = new ArrayList<>();
            for (final HistogramIterationValue v : h.percentiles(5)) {
                values.add(percentiles ? v.getPercentileLevelIteratedTo() : v.getValueIteratedTo() / 1e6);
            }
            return values.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    public static void run(final Args args) throws IOException {
        final List<String> files = args.positional();
        if (files.size() < 2) {
            throw new IllegalArgumentException("usage: plot OUT.png FILE.hgrm [FILE.hgrm...] [--title T]");
        }
        final List<Series> series = new ArrayList<>();
        for (final String f : files.subList(1, files.size())) {
            final String label = Path.of(f).getFileName().toString().replaceFirst("\\.hgrm$", "");
            series.add(readHgrm(Path.of(f), label));
        }
        write(Path.of(files.get(0)), args.get("title", "Latency by percentile"), series);
    }

    /** Reads the percentile table of an {@code .hgrm} file (values in milliseconds). */
    public static Series readHgrm(final Path file, final String name) throws IOException {
        final List<double[]> points = new ArrayList<>();
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            final String[] f = line.trim().split("\\s+");
            if (f.length == 4 && Character.isDigit(f[0].charAt(0))) {
                try {
                    points.add(new double[] {Double.parseDouble(f[1]) * 100, Double.parseDouble(f[0])});
                } catch (final NumberFormatException ignored) {
                    // The header line.
                }
            }
        }
        final double[] p = new double[points.size()];
        final double[] v = new double[points.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = points.get(i)[0];
            v[i] = points.get(i)[1];
        }
        return new Series(name, p, v);
    }

    /** Writes the plot of {@code series} to {@code png}. */
    public static void write(final Path png, final String title, final List<Series> series) throws IOException {
        double maxMs = 0;
        double minMs = Double.MAX_VALUE;
        for (final Series s : series) {
            for (int i = 0; i < s.millis().length; i++) {
                if (nines(s.percentiles()[i]) <= MAX_NINES) {
                    maxMs = Math.max(maxMs, s.millis()[i]);
                    minMs = Math.min(minMs, Math.max(s.millis()[i], 0.001));
                }
            }
        }
        // Log scale, whole decades: the median and the tail both stay readable.
        final double topDecade = Math.ceil(Math.log10(Math.max(maxMs, 0.01)));
        final double bottomDecade = Math.min(topDecade - 1, Math.floor(Math.log10(Math.min(minMs, 1))));
        final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            final int plotW = WIDTH - LEFT - RIGHT;
            final int plotH = HEIGHT - TOP - BOTTOM;
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.setColor(Color.BLACK);
            g.drawString(title, LEFT, 30);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            // Grid and axes.
            final String[] xLabels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
            for (int k = 0; k <= MAX_NINES; k++) {
                final int x = LEFT + (int) (plotW * k / MAX_NINES);
                g.setColor(new Color(0xe0e0e0));
                g.drawLine(x, TOP, x, TOP + plotH);
                g.setColor(Color.DARK_GRAY);
                g.drawString(xLabels[k], x - g.getFontMetrics().stringWidth(xLabels[k]) / 2, TOP + plotH + 18);
            }
            final int decades = (int) (topDecade - bottomDecade);
            for (int k = 0; k <= decades; k++) {
                final double ms = Math.pow(10, bottomDecade + k);
                final int y = TOP + plotH - (int) (plotH * k / (double) decades);
                g.setColor(new Color(0xe0e0e0));
                g.drawLine(LEFT, y, LEFT + plotW, y);
                g.setColor(Color.DARK_GRAY);
                final String label = formatMs(ms);
                g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, plotW, plotH);
            g.drawString("percentile", LEFT + plotW / 2 - 30, HEIGHT - 15);
            final Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString("latency (ms, log scale)", -(TOP + plotH / 2 + 60), 20);
            rotated.dispose();
            // Curves.
            for (int s = 0; s < series.size(); s++) {
                final Series ser = series.get(s);
                final Path2D.Double path = new Path2D.Double();
                boolean started = false;
                for (int i = 0; i < ser.percentiles().length; i++) {
                    final double nines = nines(ser.percentiles()[i]);
                    if (nines > MAX_NINES) {
                        continue;
                    }
                    final double x = LEFT + plotW * nines / MAX_NINES;
                    final double decade = Math.log10(Math.max(ser.millis()[i], Math.pow(10, bottomDecade)));
                    final double y = TOP + plotH - plotH * (decade - bottomDecade) / (topDecade - bottomDecade);
                    if (started) {
                        path.lineTo(x, y);
                    } else {
                        path.moveTo(x, y);
                        started = true;
                    }
                }
                final Color color = COLORS[s % COLORS.length];
                g.setColor(color);
                g.setStroke(new BasicStroke(2f));
                g.draw(path);
                final int ly = TOP + 20 + s * 20;
                g.drawLine(LEFT + plotW + 15, ly - 4, LEFT + plotW + 35, ly - 4);
                g.setColor(Color.BLACK);
                g.drawString(ser.name(), LEFT + plotW + 40, ly);
            }
        } finally {
            g.dispose();
        }
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ImageIO.write(image, "png", png.toFile());
    }

    /** @return log10(1 / (1 - p)): 0 at 0%, 1 at 90%, 2 at 99%, ... */
    private static double nines(final double percentile) {
        final double rest = 1 - percentile / 100;
        return rest <= 0 ? Double.POSITIVE_INFINITY : Math.log10(1 / rest);
    }

    private static String formatMs(final double ms) {
        return ms >= 1 ? String.format(Locale.ROOT, "%.0f", ms) : String.format(Locale.ROOT, "%s", ms);
    }
}
