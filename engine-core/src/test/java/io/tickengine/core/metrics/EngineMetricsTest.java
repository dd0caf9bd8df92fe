package io.tickengine.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.testsupport.Feeder;
import io.tickengine.core.testsupport.JournalDocuments;
import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline feeds the counters and recorders an exporter reads; recorders never throw on a long stall. */
class EngineMetricsTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldCountEveryJournaledTickPerSymbolAndMeasureFreshnessFromPublish() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(TickFiles.FIXTURES.get(0));
        final EngineContext context = new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("ring.size", "4096")
                .set("ring.max.batch", "1024")
                .set("writer.flush.interval.ms", "20")
                .set("metrics.symbols.max", "1");
        try (TickEngine engine = TickEngine.start(context)) {
            final EngineMetrics metrics = engine.metrics();
            final long startNs = System.nanoTime();
            new Feeder(engine).feed(ticks, 0, ticks.size(), 500, null, 0);
            awaitCommitted(engine);
            final long elapsedNs = System.nanoTime() - startNs;

            final int symbolId = engine.symbols().intern(ticks.get(0).symbol());
            assertEquals(ticks.size(), metrics.symbols.ticks(symbolId));
            assertEquals(
                    ticks.stream().mapToLong(TickFiles.Tick::timeMsc).max().orElseThrow(),
                    metrics.symbols.newestTimeMsc(symbolId));
            assertEquals(0, metrics.symbols.ticks(symbolId + 1), "past the configured capacity: untracked");
            assertEquals(
                    JournalDocuments.read(context.journalDir()).stream()
                            .mapToLong(d -> d.length)
                            .sum(),
                    metrics.journalBytes.get(),
                    "what the documents hold");

            final Histogram freshness = metrics.freshness.getIntervalHistogram();
            assertTrue(freshness.getTotalCount() > 0, "every commit records its freshness");
            assertTrue(
                    freshness.getMaxValue() <= elapsedNs,
                    "freshness is measured from the publish of a tick of this run, not from an older clock");
            assertEquals(
                    ticks.size() / 500 + (ticks.size() % 500 == 0 ? 0 : 1),
                    metrics.journalLatency.getIntervalHistogram().getTotalCount());

            assertEquals(0, engine.journal().recordsAfter(metrics.committedJournalIndex.get()));
            // One document per request of 500: counted exactly across documents and within one.
            assertEquals(ticks.size(), engine.journal().recordsAfter(-1));
            assertEquals(
                    ticks.size() - 1,
                    engine.journal().recordsAfter(engine.journal().firstIndex()));
            final long last = engine.journal().lastIndex();
            assertEquals(5, engine.journal().recordsAfter(last - 5));
        }
    }

    @Test
    void shouldClampValuesAboveTheRecorderRange() {
        final Recorder recorder = new Recorder(1_000_000L, 2);
        EngineMetrics.record(recorder, 5_000_000L, 1_000_000L);
        EngineMetrics.record(recorder, -1, 1_000_000L);
        EngineMetrics.record(recorder, 4_000_000L, 1_000_000L, 250_000L);
        final Histogram h = recorder.getIntervalHistogram();
        // 2 plain values, then 1 000 000 with the 750 000, 500 000 and 250 000 a stall every 250 000 hid.
        assertEquals(6, h.getTotalCount());
        assertEquals(0, h.getMinValue());
        assertTrue(h.getMaxValue() >= 1_000_000L && h.getMaxValue() <= h.highestEquivalentValue(1_000_000L));
    }

    private static void awaitCommitted(final TickEngine engine) {
        final long deadlineNs = System.nanoTime() + 30_000_000_000L;
        while (engine.metrics().committedJournalIndex.get() < engine.journal().lastIndex()) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("writer did not catch up in 30 s");
            }
            LockSupport.parkNanos(2_000_000L);
        }
    }
}
