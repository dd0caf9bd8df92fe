package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.TickFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, with a real file system and real processes: the data dir is on a small tmpfs (mounted by the test, as
 * root) that a filler file fills in the middle of a load. Every request the journal cannot take is answered
 * {@code 503 not journaled} with {@code Retry-After}, never {@code 202}; {@code /health} says {@code journal: disk
 * full}; no seq mark moves, so the resend after the space is freed is taken whole (no "duplicates"); ingest resumes by
 * itself; after a kill -9 the engine starts and the candles are exactly those of the acknowledged ticks.
 */
class FullDiskHttpTest {
    private static final String FIXTURE = "BTCUSD_20230220";
    private static final String SOURCE = "ea-full";
    private static final int BATCH = 40;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path tempDir;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void shouldRefuseAsNotJournaledWhileTheDiskIsFullResumeWhenFreedAndLoseNoAcknowledgedTick() throws Exception {
        onSmallTmpfs(mount -> runFullDiskScenario(mount, 16, "journal: disk full"));
    }

    /**
     * The free-space gate turned off ({@code journal.min.free.mb=0}): Chronicle's memory-mapped write itself faults
     * (SIGBUS, {@code InternalError}); that too is {@code 503 not journaled}, never {@code 202}. The journal stops
     * (fail-stop) until a restart, which cuts the torn tail and takes ingest again; nothing acknowledged is lost.
     */
    @Test
    void shouldRefuseAsNotJournaledWhenTheMappedWriteFaults() throws Exception {
        onSmallTmpfs(mount -> runFullDiskScenario(mount, 0, "journal: write failed"));
    }

    /** Mounts a small tmpfs for {@code test}, unmounted after it; skips where mounting is refused (not root). */
    private void onSmallTmpfs(final Scenario test) throws Exception {
        final Path mount = tempDir.resolve("tmpfs");
        Files.createDirectories(mount);
        final Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", mount.toString())
                .redirectErrorStream(true)
                .start();
        final String mountOutput = new String(mounting.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(
                mounting.waitFor() == 0,
                "skipped: this test mounts a small tmpfs and needs root (or CAP_SYS_ADMIN): " + mountOutput.trim());
        try {
            test.run(mount);
        } finally {
            final Process umount = new ProcessBuilder("umount", mount.toString())
                    .redirectErrorStream(true)
                    .start();
            if (umount.waitFor() != 0) {
                new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
            }
        }
    }

    @FunctionalInterface
    private interface Scenario {
        void run(Path mount) throws Exception;
    }

    private void runFullDiskScenario(final Path mount, final int minFreeMb, final String healthReason)
            throws Exception {
        final Path dataDir = mount.resolve("data");
        final Path filler = mount.resolve("filler");
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        final boolean gate = minFreeMb > 0;
        int acknowledged = 0;
        EngineProcess engine = EngineProcess.start(dataDir, "--set", "journal.min.free.mb=" + minFreeMb);
        try {
            while (acknowledged < 1200) {
                acknowledged += expect202(post(engine, ticks, acknowledged));
            }

            fill(filler);
            if (gate) {
                // The filler takes the last byte at once; the gate looks at the free space at most every 100 ms. A
                // request inside that window may still fault (the other scenario); this one is about the gate.
                Thread.sleep(2 * io.tickengine.core.journal.JournalSpace.CHECK_INTERVAL_NS / 1_000_000L);
            }
            // Requests the journal could still take (in pages already there) are journaled and 202; from the first
            // refusal on, every request is 503 while the disk is full. A faulting mapped write may also surface on the
            // event loop only after the write returned (the JVM delivers it late), in a place where the request can
            // no longer be answered: its connection closes without an answer, never with a 202, and the sender
            // resends (below, after the restart, as duplicates where it was journaled).
            int refused = 0;
            int unanswered = 0;
            final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
            while (refused < 5) {
                final HttpResponse<String> r;
                try {
                    r = post(engine, ticks, acknowledged);
                } catch (final IOException closed) {
                    assertTrue(!gate && ++unanswered <= 1, "connection closed without an answer: " + closed);
                    continue;
                }
                if (r.statusCode() == 202) {
                    assertEquals(0, refused, "a 202 after a refusal while the disk is still full: " + r.body());
                    acknowledged += expect202(r);
                } else {
                    assertEquals(503, r.statusCode(), r.body());
                    assertTrue(r.body().contains("not journaled"), r.body());
                    assertTrue(r.headers().firstValue("Retry-After").isPresent(), "Retry-After");
                    refused++;
                }
                assertTrue(System.nanoTime() - deadlineNs < 0, "no refusal while the disk is full");
            }
            final HttpResponse<String> health = awaitHealth(engine, healthReason);
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(health.body().contains(healthReason), health.body());
            final String metrics = get(engine, "/metrics").body();
            assertTrue(metrics.contains(gate ? "tick_journal_disk_full 1" : "tick_journal_failing 1"), "journal gauge");
            assertTrue(metrics.matches("(?s).*tick_journal_refused_requests_total [1-9].*"), "refused counter");

            Files.delete(filler);
            if (!gate) {
                // A faulted write stops the journal: still refused with room again, until a restart cuts the tail.
                final HttpResponse<String> r = post(engine, ticks, acknowledged);
                assertEquals(503, r.statusCode(), r.body());
                assertTrue(r.body().contains("restart"), r.body());
                engine.kill();
                engine.close();
                engine = EngineProcess.start(dataDir, "--set", "journal.min.free.mb=0");
            }
            // Ingest resumes by itself (gate), or after the restart (fault).
            final long resumeDeadlineNs = System.nanoTime() + TIMEOUT_NS;
            while (true) {
                final HttpResponse<String> r = post(engine, ticks, acknowledged);
                if (r.statusCode() == 202) {
                    // Refused whole by the gate: none of the resend is a duplicate. A faulting write may have
                    // journaled the request's first ticks before the fault: those, and only those, are duplicates.
                    acknowledged += gate ? expect202(r) : expectResend202(r);
                    break;
                }
                assertEquals(503, r.statusCode(), r.body());
                assertTrue(System.nanoTime() - resumeDeadlineNs < 0, "ingest did not resume: " + r.body());
                LockSupport.parkNanos(50_000_000L);
            }
            while (acknowledged < 2400) {
                acknowledged += expect202(post(engine, ticks, acknowledged));
            }
            assertTrue(awaitHealth(engine, "\"state\":\"ok\"").body().contains("\"state\":\"ok\""));
            engine.kill();
        } finally {
            engine.close();
        }

        try (EngineProcess restarted = EngineProcess.start(dataDir)) {
            assertEquals(0, restarted.terminate(), restarted.output());
        }
        assertEveryTickJournaledOnce(dataDir, acknowledged);
        try (CandleStore store = Stores.openStore(new EngineContext().set("data.dir", dataDir.toString()))) {
            Candles.assertM1OfTicks(store, ticks.subList(0, acknowledged));
        }
    }

    /** Fills the file system with {@code filler} until it has no space left. */
    private static void fill(final Path filler) throws IOException {
        final byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (final IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
    }

    private HttpResponse<String> post(final EngineProcess engine, final List<TickFiles.Tick> ticks, final int from)
            throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.port() + "/ingest/tick"))
                        .header("Content-Type", "application/json")
                        .header("X-API-Key", HttpFixture.INGEST_KEY)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                HttpFixture.jsonArray(ticks, from, from + BATCH, SOURCE)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** @return the ticks the 202 took: the whole batch, none of it a duplicate (no seq moved without its tick). */
    private static int expect202(final HttpResponse<String> r) {
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("{\"accepted\":" + BATCH + ",\"duplicates\":0}", r.body());
        return BATCH;
    }

    /** @return the ticks the 202 covers: the whole batch, taken now or journaled before a fault. */
    private static int expectResend202(final HttpResponse<String> r) {
        assertEquals(202, r.statusCode(), r.body());
        final String[] counts = r.body().replaceAll("[^0-9,]", "").split(",");
        assertEquals(BATCH, Integer.parseInt(counts[0]) + Integer.parseInt(counts[1]), r.body());
        return BATCH;
    }

    private HttpResponse<String> get(final EngineProcess engine, final String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.port() + path))
                        .header("X-API-Key", HttpFixture.ADMIN_KEY)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> awaitHealth(final EngineProcess engine, final String text) throws Exception {
        final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
        while (true) {
            final HttpResponse<String> r = get(engine, "/health");
            if (r.body().contains(text) || System.nanoTime() - deadlineNs > 0) {
                return r;
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }

    private static void assertEveryTickJournaledOnce(final Path dataDir, final int count) {
        final BitSet seen = new BitSet();
        final int[] repeats = {0};
        try (TickJournal journal = TickJournal.open(dataDir.resolve("journal"), "FAST_DAILY")) {
            journal.replay(Long.MIN_VALUE, (record, index) -> {
                if (new String(record.source, 0, record.sourceLength, StandardCharsets.US_ASCII).equals(SOURCE)) {
                    if (seen.get((int) record.seq)) {
                        repeats[0]++;
                    }
                    seen.set((int) record.seq);
                }
            });
        }
        assertEquals(0, repeats[0], "a tick journaled twice");
        assertEquals(count, seen.cardinality(), "journaled ticks");
        assertEquals(count, seen.length() - 1, "seqs 1.." + count);
    }
}
