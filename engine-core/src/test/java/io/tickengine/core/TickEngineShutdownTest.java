package io.tickengine.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickFlags;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful shutdown: {@code close()} drains the ring, so every tick a producer managed to publish is journaled and
 * its candle is in the store when {@code close()} returns.
 */
class TickEngineShutdownTest {
    private static final long T0 = Instant.parse("2026-07-13T10:00:00Z").toEpochMilli();
    private static final int ROUNDS = 20;

    @TempDir
    Path dataDir;

    /**
     * Starts an engine, publishes one tick and closes at once, many times: closing right after start is when the
     * ring's handler threads may not be running yet. Before the fix most rounds (about 6 in 10 on a 2-core machine)
     * lost their tick.
     */
    @Test
    void shouldJournalAndStoreEveryPublishedTickWhenClosedRightAfterStart() throws Exception {
        final List<String> lost = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            final EngineContext context = new EngineContext()
                    .set("data.dir", dataDir.resolve("round-" + round).toString())
                    .set("ring.size", "1024")
                    .set("ring.max.batch", "64")
                    .set("writer.ring.bytes", "65536");
            try (TickEngine engine = TickEngine.start(context)) {
                assertTrue(engine.gate().tryPublish(oneTick(engine), null) >= 0, "published");
            }
            try (TickJournal journal = TickJournal.open(context.journalDir(), context.journalRollCycle())) {
                if (journal.lastIndex() < 0) {
                    lost.add("round " + round + ": not journaled");
                }
            }
            try (CandleStore store = Stores.openStore(context)) {
                if (Candles.all(store, "EURUSD", Timeframe.M1).isEmpty()) {
                    lost.add("round " + round + ": no M1 bar");
                }
            }
        }
        assertEquals(List.of(), lost, "ticks published before close() but lost by it");
    }

    private static TickBuffer oneTick(final TickEngine engine) {
        final TickBuffer buffer = new TickBuffer(1);
        buffer.add(
                engine.symbols().intern("EURUSD"),
                T0 + 1_000,
                1.5,
                1.75,
                0,
                0,
                0,
                TickFlags.BID | TickFlags.ASK,
                TickBuffer.NO_SOURCE,
                TickBuffer.NO_SEQ);
        return buffer;
    }
}
