package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.ChildJvm;
import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tick-engine maintain} beside a running engine changes no candle and frees what it reports. */
class MaintainCommandTest {
    private static final Pattern SQLITE_LINE =
            Pattern.compile("maintain: SQLite \\[file=[^,]+, bytesBefore=(\\d+), after=(\\d+), freedBytes=(\\d+)");

    @TempDir
    Path dataDir;

    @Test
    void shouldChangeNoCandleAndFreeWhatItReportsBesideARunningEngine() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks("BTCUSD_20230220");
        try (EngineProcess engine = EngineProcess.start(dataDir)) {
            final TickPoster poster = new TickPoster(ticks, 0, ticks.size(), engine.port(), 200, "ea-m");
            poster.run();
            assertEquals(ticks.size(), poster.acknowledged.get(), "posted: " + poster.stoppedBy());
            final EngineClient client = new EngineClient(engine.port());
            assertEquals(ticks.size(), client.awaitTicks("BTCUSD", ticks.size()).size());
            final String candles = awaitStable(client);
            final long before = sqliteBytes();

            final ChildJvm.Exited maintained = EngineProcess.run("maintain", "--data-dir", dataDir.toString());
            assertEquals(0, maintained.code(), maintained.output());
            final String out = maintained.output();
            assertTrue(out.contains("maintain: the engine is running"), out);
            assertTrue(out.contains("a restart needs index"), out);
            assertTrue(out.contains("maintain: journal purge left to the running engine"), out);
            final Matcher m = SQLITE_LINE.matcher(out);
            assertTrue(m.find(), out);
            final long reportedBefore = Long.parseLong(m.group(1));
            final long reportedAfter = Long.parseLong(m.group(2));
            final long freed = Long.parseLong(m.group(3));
            assertTrue(freed > 0, "the WAL checkpoint frees the WAL: " + out);
            assertEquals(reportedBefore - reportedAfter, freed, out);
            assertTrue(before - reportedBefore <= 8192 && reportedBefore - before <= 8192, "measured before maintain");
            // What it reports freed is gone from the disk (an idle engine may append at most a WAL page meanwhile).
            assertTrue(sqliteBytes() <= reportedAfter + 8192, "after=" + sqliteBytes() + ", reported " + reportedAfter);

            assertEquals(candles, client.candlesM1("BTCUSD"), "maintain changes no candle");
            assertEquals(HttpFixture.expectedM1("BTCUSD_20230220"), candles);
            assertEquals(0, engine.terminate(), engine.output());
        }
        final ChildJvm.Exited stopped = EngineProcess.run("maintain", "--data-dir", dataDir.toString());
        assertEquals(0, stopped.code(), stopped.output());
        assertTrue(stopped.output().contains("maintain: the engine is not running"), stopped.output());
        // With a journal mirror, how far it shipped is in the topic: a stopped maintain never purges past it blind.
        final ChildJvm.Exited mirrored = EngineProcess.run(
                "maintain",
                "--data-dir",
                dataDir.toString(),
                "--set",
                "journal.mirror=kafka",
                "--set",
                "kafka.bootstrap.servers=127.0.0.1:9");
        assertEquals(0, mirrored.code(), mirrored.output());
        assertTrue(mirrored.output().contains("maintain: journal kept whole: journal.mirror=kafka"), mirrored.output());
    }

    private long sqliteBytes() throws Exception {
        long bytes = 0;
        for (final String name : new String[] {"tick-engine.db", "tick-engine.db-wal", "tick-engine.db-shm"}) {
            final Path p = dataDir.resolve(name);
            bytes += Files.exists(p) ? Files.size(p) : 0;
        }
        return bytes;
    }

    /** @return the M1 candles once the writer has settled (two reads a while apart agree). */
    private static String awaitStable(final EngineClient client) throws Exception {
        String last = null;
        final long deadlineNs = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() - deadlineNs < 0) {
            final String now = client.candlesM1("BTCUSD");
            final String health = client.get("/health");
            if (now.equals(last) && health.contains("\"backlogBars\":0") && health.contains("\"lagRecords\":0")) {
                return now;
            }
            last = now;
            java.util.concurrent.locks.LockSupport.parkNanos(300_000_000L);
        }
        throw new AssertionError("candles did not settle");
    }
}
