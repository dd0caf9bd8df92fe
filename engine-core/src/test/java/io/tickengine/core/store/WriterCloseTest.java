package io.tickengine.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.TickEngine;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.testsupport.SmallEngine;
import io.tickengine.core.testsupport.SyntheticTicks;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A close commits the candles at once even when the candle writer is resting after a write ({@code
 * writer.busy.duty}): it does not wait the rest out, nor give up at {@code shutdown.timeout.ms} with bars left for the
 * next start's replay.
 */
class WriterCloseTest {
    private static final long T0 = 1_783_944_000_000L;

    @TempDir
    Path dataDir;

    @Test
    void shouldCommitTheLastBarsAtOnceWhileTheWriterRests() throws Exception {
        // Rests 9,999 times as long as each write: a write of a few ms keeps it away for tens of seconds.
        final TickEngine engine = TickEngine.start(SmallEngine.context(dataDir, 4096, 2048)
                .set("writer.busy.duty", "0.0001")
                .set("shutdown.timeout.ms", "60000"));
        final EngineMetrics metrics = engine.metrics();
        final long lastIndex;
        final long closeMs;
        try {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            for (int i = 0; i < 100; i++) {
                ticks.tick("EURUSD", T0 + i * 1_000L, 1.1 + i * 1e-5, 1.2);
            }
            assertEquals(100, ticks.publish().accepted);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (metrics.candlesWritten.get() == 0) {
                assertTrue(System.nanoTime() - deadlineNs < 0, "no candle written within 10 s");
                Thread.sleep(5);
            }
            for (int i = 0; i < 100; i++) {
                ticks.tick("GBPUSD", T0 + i * 1_000L, 1.3, 1.4);
            }
            assertEquals(100, ticks.publish().accepted);
            lastIndex = engine.journal().lastIndex();
        } finally {
            final long startNs = System.nanoTime();
            engine.close();
            closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        }
        assertTrue(closeMs < 10_000, "the close waited for the writer's rest: " + closeMs + " ms");
        assertEquals(lastIndex, metrics.committedJournalIndex.get(), "the candles committed up to the last tick");
    }
}
