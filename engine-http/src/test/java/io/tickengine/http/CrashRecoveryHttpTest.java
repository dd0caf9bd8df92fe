package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.TickFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine process is killed (SIGKILL) three times while a client posts a real tick file, and stopped with SIGTERM
 * under load: no acknowledged tick is lost, none is counted twice.
 */
class CrashRecoveryHttpTest {
    private static final String FIXTURE = "BTCUSD_20230220";

    @TempDir
    Path dataDir;

    @Test
    void shouldLoseAndDoubleNothingAcrossThreeKillsWhilePosting() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        int acknowledged = 0;
        for (final double killAt : new double[] {0.2, 0.4, 0.6}) {
            try (EngineProcess engine = EngineProcess.start(dataDir)) {
                final TickPoster poster = new TickPoster(ticks, acknowledged, ticks.size(), engine.port(), 40, "ea-7");
                final Thread client = new Thread(poster, "poster");
                client.start();
                final int target = (int) (ticks.size() * killAt);
                awaitProgress(() -> poster.acknowledged.get(), target, engine);
                engine.kill();
                client.join(30_000);
                acknowledged = poster.acknowledged.get();
                assertTrue(acknowledged >= target, "killed after " + target + " [acknowledged=" + acknowledged + "]");
            }
        }
        try (EngineProcess engine = EngineProcess.start(dataDir)) {
            // Resend everything not acknowledged, including the batch cut short by each kill.
            final TickPoster poster = new TickPoster(ticks, acknowledged, ticks.size(), engine.port(), 40, "ea-7");
            poster.run();
            assertEquals(ticks.size(), poster.acknowledged.get(), "rest posted: " + poster.stoppedBy());
            // GET /ticks: every acknowledged tick once, resends and journaled-but-unacknowledged ones included.
            assertEquals(HttpFixture.ticksCsv(ticks), awaitStoredTicks(engine, ticks.size()));
            assertEquals(0, engine.terminate(), engine.output());
        }
        assertEveryTickJournaledOnce(ticks.size(), "ea-7");
        final EngineContext context = new EngineContext().set("data.dir", dataDir.toString());
        try (CandleStore store = Stores.openStore(context)) {
            Candles.assertExpectedM1(store, FIXTURE);
        }
    }

    /** Polls {@code GET /ticks} until the tick store holds {@code count} ticks (it runs behind the journal). */
    private static String awaitStoredTicks(final EngineProcess engine, final int count) throws Exception {
        final java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        final java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + engine.port() + "/ticks?symbol=BTCUSD&limit=100000&format=csv"))
                .header("X-API-Key", HttpFixture.READ_KEY)
                .build();
        final long deadlineNs = System.nanoTime() + 30_000_000_000L;
        String stored;
        do {
            final java.net.http.HttpResponse<String> r =
                    client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            stored = HttpFixture.storedTicksCsv(r.body());
            if (stored.split("\n").length >= count) {
                return stored;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        } while (System.nanoTime() - deadlineNs < 0);
        return stored;
    }

    @Test
    void shouldLoseNoAcknowledgedTickWhenStoppedWithSigtermUnderLoad() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        final String[] sources = {"ea-a", "ea-b", "ea-c"};
        final TickPoster[] posters = new TickPoster[sources.length];
        final Thread[] clients = new Thread[sources.length];
        try (EngineProcess engine = EngineProcess.start(dataDir)) {
            for (int i = 0; i < sources.length; i++) {
                posters[i] = new TickPoster(ticks, 0, ticks.size(), engine.port(), 20, sources[i]);
                clients[i] = new Thread(posters[i], "poster-" + sources[i]);
                clients[i].start();
            }
            for (final TickPoster poster : posters) {
                awaitProgress(() -> poster.acknowledged.get(), 600, engine);
            }
            assertEquals(0, engine.terminate(), "graceful stop exits 0:\n" + engine.output());
            for (final Thread client : clients) {
                client.join(30_000);
            }
        }
        for (int i = 0; i < sources.length; i++) {
            assertTrue(posters[i].acknowledged.get() >= 600);
            assertEveryTickJournaledOnce(posters[i].acknowledged.get(), sources[i]);
        }
    }

    /** Asserts the journal holds seqs 1..count of the source, each exactly once. */
    private void assertEveryTickJournaledOnce(final int count, final String source) {
        final BitSet seen = new BitSet();
        final int[] repeats = {0};
        try (TickJournal journal = TickJournal.open(dataDir.resolve("journal"), "FAST_DAILY")) {
            journal.replay(Long.MIN_VALUE, (record, index) -> {
                final String recordSource =
                        new String(record.source, 0, record.sourceLength, StandardCharsets.US_ASCII);
                if (recordSource.equals(source)) {
                    final int seq = (int) record.seq;
                    if (seen.get(seq)) {
                        repeats[0]++;
                    }
                    seen.set(seq);
                }
            });
        }
        assertEquals(0, repeats[0], "a tick journaled twice [source=" + source + "]");
        for (int seq = 1; seq <= count; seq++) {
            assertTrue(
                    seen.get(seq),
                    "acknowledged tick missing from the journal [source=" + source + ", seq=" + seq + "]");
        }
    }

    private static void awaitProgress(final IntSupplier progress, final int target, final EngineProcess engine) {
        final long deadlineNs = System.nanoTime() + 120_000_000_000L;
        while (progress.getAsInt() < target) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError(
                        "no progress to " + target + " [at=" + progress.getAsInt() + "]\n" + engine.output());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
    }
}
