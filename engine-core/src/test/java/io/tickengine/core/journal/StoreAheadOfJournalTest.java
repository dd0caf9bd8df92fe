package io.tickengine.core.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.testsupport.SmallEngine;
import io.tickengine.core.testsupport.SyntheticTicks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal that lost its tail while the database kept what it had committed (a power failure with
 * {@code journal.sync=false}): the store counts indices as done that the journal hands out again. The engine moves
 * the journal's next index past the store's with padding documents, so the ticks journaled next reach the tick store
 * and the candles, and survive a restart. (The ticks lost with the tail stay in {@code ticks}; a bar still open at
 * the loss is rebuilt from the journal without them.)
 */
class StoreAheadOfJournalTest {
    private static final long T0 = Instant.parse("2026-07-13T10:00:00Z").toEpochMilli();
    private static final int PER_REQUEST = 10;

    @TempDir
    Path dataDir;

    @TempDir
    Path saved;

    @Test
    void shouldJournalNewTicksPastTheIndicesTheStoreHasWhenTheJournalLostItsTail() throws Exception {
        int sent = 0;
        try (TickEngine engine = TickEngine.start(context())) {
            sent = send(engine, sent, 3);
        }
        // What the disk will hold of the journal after the power failure: the first three requests.
        copy(journal(), saved);
        try (TickEngine engine = TickEngine.start(context())) {
            sent = send(engine, sent, 2);
        }
        assertEquals(5 * PER_REQUEST, count("SELECT count(*) FROM ticks"), "the store has all five requests");
        delete(journal());
        copy(saved, journal());

        try (TickEngine engine = TickEngine.start(context())) {
            sent = send(engine, sent, 1);
        }
        assertEquals(6 * PER_REQUEST, count("SELECT count(*) FROM ticks"), "the new request is in the tick store");
        // A restart rebuilds the open bar from the journal: the new ticks once each. The two requests lost with the
        // journal's tail are in `ticks` but no longer in that bar (the engine's warning says so).
        try (TickEngine engine = TickEngine.start(context())) {
            assertTrue(engine.journal().lastIndex() >= 0);
        }
        assertEquals(sent - 2 * PER_REQUEST, count("SELECT tick_volume FROM market_data WHERE timeframe = 'M1'"));
        assertEquals(
                1,
                JournalTail.verify(journal(), RollCycles.FAST_DAILY).stream()
                        .filter(c -> !c.isDamaged())
                        .count(),
                "padding documents are whole documents");
    }

    /** Sends {@code requests} requests of {@link #PER_REQUEST} ticks within one minute, numbered from {@code from}. */
    private static int send(final TickEngine engine, final int from, final int requests) {
        final SyntheticTicks ticks = new SyntheticTicks(engine);
        int n = from;
        int accepted = 0;
        for (int r = 0; r < requests; r++) {
            for (int i = 0; i < PER_REQUEST; i++, n++) {
                ticks.add("EURUSD", T0 + n * 100L, 1.1 + n * 1e-5, 1.2, 0, 0, 0, 3, "term-01", n + 1);
            }
            accepted += ticks.publish().accepted;
        }
        assertEquals(n - from, accepted);
        return n;
    }

    private long count(final String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("tick-engine.db"));
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            assertTrue(r.next(), sql);
            return r.getLong(1);
        }
    }

    private Path journal() {
        return dataDir.resolve("journal");
    }

    private EngineContext context() {
        return SmallEngine.context(dataDir, 1024, 64);
    }

    private static void copy(final Path from, final Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (final Path f : files.toList()) {
                final Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void delete(final Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (final Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
