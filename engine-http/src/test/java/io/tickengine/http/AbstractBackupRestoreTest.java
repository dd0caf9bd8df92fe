package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.ChildJvm;
import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup while a client posts ticks to a real engine process, restore into a fresh data dir (and database), start an
 * engine there: every tick acknowledged before the backup is in {@code /ticks} and in exact M1 candles; resending the
 * rest with the same {@code source}/{@code seq} completes the set exactly once.
 */
abstract class AbstractBackupRestoreTest {
    private static final String FIXTURE = "BTCUSD_20230220";
    private static final String SOURCE = "ea-backup";

    @TempDir
    Path tmp;

    /** @return options naming the store the engine under backup uses ({@code --db-url …}), or none for SQLite. */
    abstract List<String> sourceStore() throws Exception;

    /** @return options naming an empty store to restore into, prepared as an operator would. */
    abstract List<String> targetStore() throws Exception;

    @Test
    void shouldRestoreEveryTickAcknowledgedBeforeTheBackupAndCompleteTheSetOnResend() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        final Path dataDir = tmp.resolve("data");
        final Path backup = tmp.resolve("backups/one");
        final Path restored = tmp.resolve("restored");
        final int ackedBeforeBackup;
        try (EngineProcess engine = EngineProcess.start(dataDir, sourceStore().toArray(new String[0]))) {
            final PacedPoster poster = new PacedPoster(ticks, engine.port(), ticks.size() * 9 / 10);
            final Thread client = new Thread(poster, "poster");
            client.start();
            awaitAtLeast(poster, ticks.size() / 4);
            ackedBeforeBackup = poster.acknowledged.get();
            final List<String> args = new ArrayList<>(List.of(
                    "backup",
                    "--to",
                    backup.toString(),
                    "--data-dir",
                    dataDir.toString(),
                    "--url",
                    "http://127.0.0.1:" + engine.port()));
            args.addAll(sourceStore());
            final ChildJvm.Exited backedUp = EngineProcess.run(args.toArray(new String[0]));
            final int ackedAfterBackup = poster.acknowledged.get();
            poster.stop = true;
            client.join(60_000);
            assertEquals(0, backedUp.code(), backedUp.output());
            assertTrue(poster.failure == null, "poster: " + poster.failure);
            assertTrue(
                    ackedAfterBackup > ackedBeforeBackup,
                    "ticks must be posted while the backup runs [before=" + ackedBeforeBackup + ", after="
                            + ackedAfterBackup + "]");
            assertEquals(0, engine.terminate(), engine.output());
        }
        final ChildJvm.Exited verified = EngineProcess.run("backup", "verify", backup.toString());
        assertEquals(0, verified.code(), verified.output());
        final List<String> restore =
                new ArrayList<>(List.of("restore", "--from", backup.toString(), "--data-dir", restored.toString()));
        restore.addAll(targetStore());
        final ChildJvm.Exited restoredRun = EngineProcess.run(restore.toArray(new String[0]));
        assertEquals(0, restoredRun.code(), restoredRun.output());

        try (EngineProcess engine = EngineProcess.start(restored, targetStore().toArray(new String[0]))) {
            final EngineClient client = new EngineClient(engine.port());
            final List<String> held = client.awaitTicks("BTCUSD", ackedBeforeBackup);
            final List<String> acknowledged = HttpFixtureLines.ticks(ticks.subList(0, ackedBeforeBackup));
            assertTrue(
                    held.containsAll(acknowledged),
                    "a tick acknowledged before the backup is missing after restore [held=" + held.size()
                            + ", acknowledged=" + ackedBeforeBackup + "]");
            // The backup holds a prefix of the posted ticks (posted in order, one source): its candles are exactly
            // the bars of that prefix.
            final int backedUpTicks = settledCount(client);
            assertEquals(
                    m1(ticks.subList(0, backedUpTicks)),
                    client.candlesM1("BTCUSD"),
                    "M1 candles after restore [ticks=" + backedUpTicks + "]");

            final TickPoster rest = new TickPoster(ticks, ackedBeforeBackup, ticks.size(), engine.port(), 40, SOURCE);
            rest.run();
            assertEquals(ticks.size(), rest.acknowledged.get(), "resend: " + rest.stoppedBy());
            assertEquals(HttpFixtureLines.ticks(ticks), client.awaitTicks("BTCUSD", ticks.size()));
            assertEquals(HttpFixture.expectedM1(FIXTURE), awaitCandles(client, HttpFixture.expectedM1(FIXTURE)));
            assertEquals(0, engine.terminate(), engine.output());
        }
    }

    /** @return the number of stored ticks once it stops growing (the tick store has caught up with the journal). */
    private static int settledCount(final EngineClient client) throws Exception {
        int last = -1;
        final long deadlineNs = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() - deadlineNs < 0) {
            final int now = client.ticks("BTCUSD").size();
            final String health = client.get("/health");
            if (now == last && health.contains("\"lagRecords\":0") && health.contains("\"backlogBars\":0")) {
                return now;
            }
            last = now;
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
        }
        throw new AssertionError("the restored engine did not settle [ticks=" + last + "]");
    }

    private static String awaitCandles(final EngineClient client, final String expected) throws Exception {
        final long deadlineNs = System.nanoTime() + 30_000_000_000L;
        String actual;
        do {
            actual = client.candlesM1("BTCUSD");
            if (actual.equals(expected)) {
                return actual;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        } while (System.nanoTime() - deadlineNs < 0);
        return actual;
    }

    /** Posts small batches with a pause between them until stopped or {@code end}, so that a backup runs amid them. */
    private static final class PacedPoster implements Runnable {
        final java.util.concurrent.atomic.AtomicInteger acknowledged = new java.util.concurrent.atomic.AtomicInteger();
        private final List<TickFiles.Tick> ticks;
        private final int port;
        private final int end;
        volatile boolean stop;
        volatile Throwable failure;

        PacedPoster(final List<TickFiles.Tick> ticks, final int port, final int end) {
            this.ticks = ticks;
            this.port = port;
            this.end = end;
        }

        @Override
        public void run() {
            while (!stop && acknowledged.get() < end) {
                final int from = acknowledged.get();
                final TickPoster batch = new TickPoster(ticks, from, Math.min(end, from + 10), port, 10, SOURCE);
                batch.run();
                if (batch.stoppedBy() != null) {
                    failure = batch.stoppedBy();
                    return;
                }
                acknowledged.set(batch.acknowledged.get());
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
            }
        }
    }

    private static void awaitAtLeast(final PacedPoster poster, final int count) {
        final long deadlineNs = System.nanoTime() + 120_000_000_000L;
        while (poster.acknowledged.get() < count) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError(
                        "no progress [acknowledged=" + poster.acknowledged.get() + ", failure=" + poster.failure + "]");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
    }

    /** M1 bars from bid, as the engine builds them, rendered like {@link EngineClient#candlesM1}. */
    static String m1(final List<TickFiles.Tick> ticks) {
        final Map<Long, double[]> bars = new LinkedHashMap<>();
        final Map<Long, Long> counts = new LinkedHashMap<>();
        for (final TickFiles.Tick t : ticks) {
            final long open = Math.floorDiv(t.timeMsc(), 60_000L) * 60_000L;
            final double[] bar = bars.get(open);
            if (bar == null) {
                bars.put(open, new double[] {t.bid(), t.bid(), t.bid(), t.bid()});
            } else {
                bar[1] = Math.max(bar[1], t.bid());
                bar[2] = Math.min(bar[2], t.bid());
                bar[3] = t.bid();
            }
            counts.merge(open, 1L, Long::sum);
        }
        final StringBuilder lines = new StringBuilder();
        for (final Map.Entry<Long, double[]> e : bars.entrySet()) {
            final double[] b = e.getValue();
            lines.append(String.join(
                            ",",
                            ticks.get(0).symbol(),
                            "M1",
                            Long.toString(e.getKey()),
                            Double.toString(b[0]),
                            Double.toString(b[1]),
                            Double.toString(b[2]),
                            Double.toString(b[3]),
                            Long.toString(counts.get(e.getKey()))))
                    .append('\n');
        }
        return lines.toString();
    }

    /** Tick lines as {@link EngineClient#ticks} renders them. */
    static final class HttpFixtureLines {
        private HttpFixtureLines() {}

        static List<String> ticks(final List<TickFiles.Tick> ticks) {
            return List.of(HttpFixture.ticksCsv(ticks).split("\n"));
        }
    }
}
