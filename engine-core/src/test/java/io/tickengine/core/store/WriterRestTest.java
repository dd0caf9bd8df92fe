package io.tickengine.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.TickEngine;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.testsupport.SmallEngine;
import io.tickengine.core.testsupport.SyntheticTicks;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store writers rest between writes in proportion to their work while ticks come in ({@code writer.busy.duty},
 * {@code ticks.store.busy.duty}). While the tick store writer rests, its lag gauge follows the journal (a store far
 * behind never reads as caught up because it is resting); and a close does not wait either writer's rest out, nor give
 * up at {@code shutdown.timeout.ms} with work left for the next start.
 */
class WriterRestTest {
    private static final long T0 = 1_783_944_000_000L;

    @TempDir
    Path dataDir;

    @Test
    void shouldReportTheTickStoreLagWhileItsWriterRestsAndStoreAtOnceOnClose() throws Exception {
        // Rests 9,999 times as long as each write: a write of a few ms keeps it away for tens of seconds.
        final TickEngine engine = start("ticks.store.busy.duty");
        final EngineMetrics metrics = engine.metrics();
        try {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            publish(ticks, "EURUSD", 1_000);
            await(() -> metrics.ticksStored.get() == 1_000, "the first request stored");

            publish(ticks, "GBPUSD", 500);
            await(() -> metrics.tickStoreLag.get() == 500, "the lag gauge counts the second request");
            assertEquals(1_000, metrics.ticksStored.get(), "while the writer still rests");
        } finally {
            closeAtOnce(engine);
        }
        assertEquals(1_500, metrics.ticksStored.get(), "the close stored the second request");
    }

    @Test
    void shouldCommitTheLastBarsAtOnceWhileTheCandleWriterRests() throws Exception {
        final TickEngine engine = start("writer.busy.duty");
        final EngineMetrics metrics = engine.metrics();
        final long lastIndex;
        try {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            publish(ticks, "EURUSD", 100);
            await(() -> metrics.candlesWritten.get() > 0, "the first candles written");

            publish(ticks, "GBPUSD", 100);
            lastIndex = engine.journal().lastIndex();
        } finally {
            closeAtOnce(engine);
        }
        assertEquals(lastIndex, metrics.committedJournalIndex.get(), "the candles committed up to the last tick");
    }

    /** @return an engine whose writer named by {@code dutyKey} rests 9,999 times as long as each write. */
    private TickEngine start(final String dutyKey) throws StoreException {
        return TickEngine.start(
                SmallEngine.context(dataDir, 4096, 2048).set(dutyKey, "0.0001").set("shutdown.timeout.ms", "60000"));
    }

    private static void publish(final SyntheticTicks ticks, final String symbol, final int n) {
        for (int i = 0; i < n; i++) {
            ticks.tick(symbol, T0 + i * 1_000L, 1.1 + i * 1e-5, 1.2);
        }
        assertEquals(n, ticks.publish().accepted);
    }

    private static void closeAtOnce(final TickEngine engine) {
        final long startNs = System.nanoTime();
        engine.close();
        final long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertTrue(closeMs < 10_000, "the close waited for a writer's rest: " + closeMs + " ms");
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadlineNs < 0, "not within 10 s: " + what);
            Thread.sleep(5);
        }
    }
}
