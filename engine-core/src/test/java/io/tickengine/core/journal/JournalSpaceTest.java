package io.tickengine.core.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.ring.IngestAck;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickFlags;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The free-space gate: with less free space than {@code journal.min.free.mb}, a request is refused whole as not
 * journaled (never as journaled), nothing of it is written and no seq is recorded.
 */
class JournalSpaceTest {
    private static final long T0 = Instant.parse("2026-07-13T10:00:00Z").toEpochMilli();

    @TempDir
    Path dataDir;

    @Test
    void shouldRefuseWholeRequestsAsNotJournaledWhileBelowTheMargin() throws Exception {
        // A margin no file system has free: the gate is closed from the first request on.
        final EngineContext context = new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("journal.min.free.mb", "1073741824")
                .set("ring.size", "1024")
                .set("ring.max.batch", "64")
                .set("writer.ring.bytes", "65536");
        try (TickEngine engine = TickEngine.start(context)) {
            for (int request = 0; request < 3; request++) {
                final String outcome = publish(engine, 5);
                assertTrue(outcome.startsWith("failed: disk full [dir="), outcome);
            }
            assertEquals(0, engine.metrics().ticksJournaled.get());
            assertEquals(-1, engine.journal().lastIndex(), "nothing written");
            assertEquals(3, engine.metrics().journalRefused.get());
            assertEquals(1, engine.metrics().journalDiskFull.get());
            assertTrue(engine.journalSpace().isFull());
            assertTrue(engine.metrics().journalFreeBytes.get() >= 0);
        }
        // No seq was recorded: with room again, the same seqs are taken, not answered as duplicates.
        try (TickEngine engine = TickEngine.start(new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("journal.min.free.mb", "0")
                .set("ring.size", "1024")
                .set("ring.max.batch", "64")
                .set("writer.ring.bytes", "65536"))) {
            assertEquals("journaled: 5 accepted, 0 duplicates", publish(engine, 5));
        }
    }

    /** Publishes ticks with seqs 1..n from one source; @return how the journal answered. */
    private static String publish(final TickEngine engine, final int n) throws Exception {
        final TickBuffer ticks = new TickBuffer(n);
        final int symbol = engine.symbols().intern("EURUSD");
        final int source = engine.sources().intern("term-01");
        for (int i = 0; i < n; i++) {
            ticks.add(symbol, T0 + i, 1.1, 1.2, 0, 0, 0, TickFlags.BID | TickFlags.ASK, source, i + 1);
        }
        final CompletableFuture<String> answer = new CompletableFuture<>();
        final long result = engine.gate().tryPublish(ticks, new IngestAck() {
            @Override
            public void onJournaled(final int accepted, final int duplicates) {
                answer.complete("journaled: " + accepted + " accepted, " + duplicates + " duplicates");
            }

            @Override
            public void onFailed(final String reason) {
                answer.complete("failed: " + reason);
            }
        });
        assertTrue(result >= 0, "published [result=" + result + "]");
        return answer.get(10, TimeUnit.SECONDS);
    }
}
