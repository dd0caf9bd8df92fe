package io.tickengine.http.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Test;

/** HdrHistogram intervals become cumulative Prometheus buckets and a sliding window of exact percentiles. */
class HistogramExportTest {
    private static final long MAX_NS = 60_000_000_000L;

    private final Recorder recorder = new Recorder(MAX_NS, 3);
    private final HistogramExport export = new HistogramExport(
            "test_latency_seconds", "help", Unit.SECONDS, 1e-9, recorder, MAX_NS, new double[] {0.001, 0.01, 0.1});

    @Test
    void shouldAccumulateEveryIntervalIntoTheBuckets() {
        recorder.recordValue(500_000L); // 0.5 ms
        recorder.recordValue(5_000_000L); // 5 ms
        export.sample(System.nanoTime());
        recorder.recordValue(5_000_000L);
        recorder.recordValue(50_000_000L); // 50 ms
        recorder.recordValue(2_000_000_000L); // 2 s: past the last bound
        export.sample(System.nanoTime());

        final HistogramSnapshot.HistogramDataPointSnapshot point =
                export.snapshot().getDataPoints().get(0);
        final ClassicHistogramBuckets buckets = point.getClassicBuckets();
        assertEquals(4, buckets.size());
        assertEquals(Double.POSITIVE_INFINITY, buckets.getUpperBound(3));
        assertEquals(1, buckets.getCount(0));
        assertEquals(2, buckets.getCount(1));
        assertEquals(1, buckets.getCount(2));
        assertEquals(1, buckets.getCount(3));
        assertEquals(5, point.getCount());
        assertEquals(5, export.count());
        assertEquals(2.0605, point.getSum(), 2.0605 * 0.001, "the sum, to HdrHistogram's precision");
    }

    @Test
    void shouldPutAValueOnABoundInThatBucket() {
        recorder.recordValue(1_000_000L); // exactly 1 ms
        recorder.recordValue(10_000_000L); // exactly 10 ms
        export.sample(System.nanoTime());
        final ClassicHistogramBuckets buckets =
                export.snapshot().getDataPoints().get(0).getClassicBuckets();
        assertEquals(1, buckets.getCount(0));
        assertEquals(1, buckets.getCount(1));
    }

    @Test
    void shouldReportPercentilesOfTheRecentWindowsOnly() {
        final long startNs = System.nanoTime();
        for (int i = 1; i <= 100; i++) {
            recorder.recordValue(i * 1_000_000L);
        }
        export.sample(startNs);
        final HistogramExport.Percentiles now = export.window();
        assertEquals(100, now.count());
        assertEquals(0.050, now.p50(), 0.050 * 0.01);
        assertEquals(0.099, now.p99(), 0.099 * 0.01);
        assertEquals(0.100, now.max(), 0.100 * 0.01);

        final long windowNs = HistogramExport.WINDOW_SECONDS * 1_000_000_000L;
        export.sample(startNs + windowNs + windowNs / 2);
        assertEquals(100, export.window().count(), "the previous window still counts");
        export.sample(startNs + 4 * windowNs);
        final HistogramExport.Percentiles later = export.window();
        assertEquals(0, later.count(), "older than two windows: gone from the window");
        assertTrue(Double.isNaN(later.p99()));
        assertEquals(100, export.count(), "but never from the cumulative buckets");
    }
}
