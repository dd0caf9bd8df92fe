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
 * The tick store's lag gauge follows the journal while the writer rests between writes ({@code ticks.store.busy.duty}
 * while ticks come in): a store far behind never reads as caught up because it is resting. A close does not wait the
 * rest out: it stores the rest at once.
 */
class TickStoreLagTest {
    private static final long T0 = 1_783_944_000_000L;

    @TempDir
    Path dataDir;

    @Test
    void shouldReportTheLagWhileTheWriterRestsAndStoreAtOnceOnClose() throws Exception {
        // Rests 9,999 times as long as each write: a write of a few ms keeps it away for tens of seconds.
        final TickEngine engine = TickEngine.start(SmallEngine.context(dataDir, 4096, 2048)
                .set("ticks.store.busy.duty", "0.0001")
                .set("shutdown.timeout.ms", "60000"));
        final EngineMetrics metrics = engine.metrics();
        try {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            for (int i = 0; i < 1_000; i++) {
                ticks.tick("EURUSD", T0 + i, 1.1 + i * 1e-5, 1.2);
            }
            assertEquals(1_000, ticks.publish().accepted);
            await(() -> metrics.ticksStored.get() == 1_000, "the first request stored");

            for (int i = 0; i < 500; i++) {
                ticks.tick("GBPUSD", T0 + i, 1.3, 1.4);
            }
            assertEquals(500, ticks.publish().accepted);
            await(() -> metrics.tickStoreLag.get() == 500, "the lag gauge counts the second request");
            assertEquals(1_000, metrics.ticksStored.get(), "while the writer still rests");
        } finally {
            final long startNs = System.nanoTime();
            engine.close();
            final long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertTrue(closeMs < 10_000, "the close waited for the writer's rest: " + closeMs + " ms");
        }
        assertEquals(1_500, metrics.ticksStored.get(), "the close stored the second request");
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadlineNs < 0, "not within 10 s: " + what);
            Thread.sleep(10);
        }
    }
}
