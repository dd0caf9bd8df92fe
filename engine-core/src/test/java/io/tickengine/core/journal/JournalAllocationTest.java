package io.tickengine.core.journal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.candle.BarBuffer;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.ring.TickEvent;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once warm, journaling allocates nothing: the JVM's per-thread allocation counter does not move over requests of a
 * tick, a bar and a replace record each, committed as one document. A deterministic count, not a timing.
 */
class JournalAllocationTest {
    private static final long T0 = Instant.parse("2026-07-13T10:00:00Z").toEpochMilli();
    private static final int WARM_UP_REQUESTS = 20_000;
    private static final int MEASURED_REQUESTS = 1_000;
    private static final int WINDOWS = 5;
    /** Covers the counter's own granularity (TLAB accounting); far below one byte per record. */
    private static final long SLACK_BYTES = 1_024;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final NameTable symbols = new NameTable(16);
    private final NameTable sources = new NameTable(16);
    private final TickEvent tick = new TickEvent();
    private final TickEvent bar = new TickEvent();
    private final TickEvent replace = new TickEvent();

    @TempDir
    Path dir;

    @Test
    void shouldAllocateNothingWhenAppendingTicksBarsAndReplacesOnceWarm() {
        final int symbol = symbols.intern("EURUSD");
        final TickBuffer ticks = new TickBuffer(1);
        ticks.add(symbol, T0, 1.14273, 1.14277, 0, 0, 0.5, 6, sources.intern("term-01"), 1);
        tick.fillTick(ticks, 0);
        final BarBuffer bars = new BarBuffer(1);
        bars.add(symbol, Timeframe.M1, T0, 1.1, 1.2, 1.0, 1.15, 3, 0, Double.NaN);
        bar.fillBar(bars, 0);
        replace.fillReplace(symbol, T0, T0 + 60_000, 0);

        try (TickJournal journal = TickJournal.open(dir, "FAST_DAILY")) {
            for (int i = 0; i < WARM_UP_REQUESTS; i++) {
                request(journal);
            }
            // The least of a few windows: Chronicle now and then maps a new chunk or index block (a few KB, once
            // per thousands of documents), which is not an allocation per request.
            long allocated = Long.MAX_VALUE;
            for (int window = 0; window < WINDOWS && allocated >= SLACK_BYTES; window++) {
                final long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < MEASURED_REQUESTS; i++) {
                    request(journal);
                }
                allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
            }

            assertTrue(
                    allocated < SLACK_BYTES,
                    "allocated [bytes=" + allocated + ", requests=" + MEASURED_REQUESTS + ", recordsPerRequest=3]");
        }
    }

    private void request(final TickJournal journal) {
        journal.append(tick, symbols, sources);
        journal.appendBar(bar, symbols);
        journal.appendReplace(replace, symbols);
        journal.commitDocument();
    }
}
