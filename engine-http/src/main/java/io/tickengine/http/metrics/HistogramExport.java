package io.tickengine.http.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.Recorder;

/**
 * Exports one HdrHistogram {@link Recorder} two ways, from the interval histograms {@link #sample} takes from it:
 *
 * <ul>
 *   <li>as a Prometheus classic histogram: cumulative bucket counts and sum since start, so Prometheus computes any
 *       quantile over any range ({@code histogram_quantile(0.99, rate(x_bucket[1m]))}). A value goes to the bucket
 *       of its HdrHistogram equivalence class (3 significant digits: within 0.1% of a bound it may land on
 *       either side); the sum is exact to the same precision.
 *   <li>as exact HdrHistogram percentiles over a sliding window of {@link #WINDOW_SECONDS} to twice that (the
 *       current and the previous window), for the status page.
 * </ul>
 *
 * <p>{@link #sample} is the only reader of the recorder, so concurrent scrapes never steal each other's values. All
 * methods are synchronized and meant for scrape and sampler threads, never an event loop.
 */
public final class HistogramExport {
    /** Length of one window of {@link #window()}. */
    public static final int WINDOW_SECONDS = 10;

    private static final long WINDOW_NS = WINDOW_SECONDS * 1_000_000_000L;

    private final String name;
    private final String help;
    private final Unit unit;
    private final double scale;
    private final Recorder recorder;
    private final double[] upperBounds;
    private final long[] counts;
    private double sum;
    private Histogram interval;
    private Histogram current;
    private Histogram previous;
    private long windowStartNs;

    /**
     * @param name the Prometheus name, ending with the unit, e.g. {@code tick_journal_latency_seconds}.
     * @param unit the unit, or {@code null} for plain counts (e.g. bars per batch).
     * @param scale multiplies recorded values into the unit, e.g. {@code 1e-9} for ns to seconds.
     * @param highestValue the recorder's highest trackable value.
     * @param upperBounds bucket bounds in the unit, ascending, without {@code +Inf} (it is added).
     */
    public HistogramExport(
            final String name,
            final String help,
            final Unit unit,
            final double scale,
            final Recorder recorder,
            final long highestValue,
            final double[] upperBounds) {
        this.name = name;
        this.help = help;
        this.unit = unit;
        this.scale = scale;
        this.recorder = recorder;
        this.upperBounds = java.util.Arrays.copyOf(upperBounds, upperBounds.length + 1);
        this.upperBounds[upperBounds.length] = Double.POSITIVE_INFINITY;
        this.counts = new long[this.upperBounds.length];
        // Two significant digits are plenty for the status page and keep each window histogram small.
        this.current = new Histogram(1, highestValue, 2);
        this.previous = new Histogram(1, highestValue, 2);
        this.windowStartNs = System.nanoTime();
    }

    /** @return the Prometheus name. */
    public String name() {
        return name;
    }

    /** Moves what was recorded since the last call into the totals and the window. */
    public synchronized void sample(final long nowNs) {
        interval = recorder.getIntervalHistogram(interval);
        if (nowNs - windowStartNs >= WINDOW_NS) {
            final Histogram older = previous;
            previous = current;
            current = older;
            current.reset();
            if (nowNs - windowStartNs >= 2 * WINDOW_NS) {
                previous.reset();
            }
            windowStartNs = nowNs;
        }
        if (interval.getTotalCount() == 0) {
            return;
        }
        current.add(interval);
        for (final HistogramIterationValue v : interval.recordedValues()) {
            final long value = v.getValueIteratedTo();
            final long count = v.getCountAtValueIteratedTo();
            final double lowest = interval.lowestEquivalentValue(value) * scale;
            int bucket = 0;
            while (lowest > upperBounds[bucket]) {
                bucket++;
            }
            counts[bucket] += count;
            sum += interval.medianEquivalentValue(value) * scale * count;
        }
    }

    /** @return the totals since start as a classic histogram. */
    public synchronized HistogramSnapshot snapshot() {
        final HistogramSnapshot.Builder builder =
                HistogramSnapshot.builder().name(name).help(help);
        if (unit != null) {
            builder.unit(unit);
        }
        return builder.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBounds, counts.clone()))
                        .sum(sum)
                        .build())
                .build();
    }

    /** @return values recorded since start (what {@link #sample} has taken). */
    public synchronized long count() {
        long total = 0;
        for (final long c : counts) {
            total += c;
        }
        return total;
    }

    /** @return percentiles of the last one to two windows, in the export's unit. */
    public synchronized Percentiles window() {
        final Histogram merged = previous.copy();
        merged.add(current);
        if (merged.getTotalCount() == 0) {
            return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Percentiles(
                merged.getTotalCount(),
                merged.getValueAtPercentile(50) * scale,
                merged.getValueAtPercentile(90) * scale,
                merged.getValueAtPercentile(99) * scale,
                merged.getValueAtPercentile(99.9) * scale,
                merged.getMaxValue() * scale);
    }

    /** Percentiles of a window; {@code NaN} when it holds no value. */
    public record Percentiles(long count, double p50, double p90, double p99, double p999, double max) {}
}
