package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.datadir.DataDirLock;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.ChildJvm;
import io.tickengine.core.testsupport.TickFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged journal tail, with real processes: the engine is killed (SIGKILL) before its writer committed anything,
 * then the newest journal file is damaged (its last 4 KB overwritten with garbage, or truncated mid-document). The
 * engine still starts, cuts the tail at the last whole document and reports the cut; {@code journal verify} names the
 * damage and exits 1; {@code journal repair} cuts it (refusing while the data dir is owned); and the candles are
 * exactly those of the ticks kept before the cut.
 */
class JournalDamageHttpTest {
    private static final String FIXTURE = "BTCUSD_20230220";
    private static final String SOURCE = "ea-torn";
    private static final int POSTED = 3000;
    /** The writer commits nothing before the kill: the journal alone decides the candles after it. */
    private static final String[] NO_COMMIT = {
        "--set", "writer.flush.interval.ms=3600000", "--set", "writer.batch.size=1000000"
    };

    @TempDir
    Path dataDir;

    @Test
    void shouldStartOnAnOverwrittenTailReportTheCutAndKeepEverythingBeforeIt() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        postThenKill(ticks);
        final Path file = newestCycleFile();
        final long end = writtenEnd(file);
        final byte[] garbage = new byte[4096];
        new Random(4096).nextBytes(garbage);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(end - garbage.length);
            raf.write(garbage);
        }

        final ChildJvm.Exited verify = EngineProcess.run("journal", "verify", "--data-dir", dataDir.toString());
        assertEquals(1, verify.code(), verify.output());
        assertTrue(verify.output().contains("damaged [file=" + file), verify.output());
        assertTrue(verify.output().contains("index=0x") && verify.output().contains("offset="), verify.output());
        assertTrue(verify.output().contains("problem="), verify.output());

        try (EngineProcess engine = EngineProcess.start(dataDir)) {
            final String health = get(engine, "/health");
            assertTrue(health.contains("\"tailCut\":\"damaged [file=" + file), health);
            assertTrue(get(engine, "/metrics").contains("tick_journal_tail_cuts_total 1"), "metric of the cut");
            assertTrue(engine.output().contains("journal tail cut at the last whole document"), engine.output());
            assertEquals(0, engine.terminate(), engine.output());
        }
        assertCandlesOfTheTicksKept(ticks);
        final ChildJvm.Exited after = EngineProcess.run("journal", "verify", "--data-dir", dataDir.toString());
        assertEquals(0, after.code(), after.output());
    }

    @Test
    void shouldNameATruncatedTailAndRepairItWithTheCli() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        postThenKill(ticks);
        final Path file = newestCycleFile();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(writtenEnd(file) - 30);
        }

        final ChildJvm.Exited verify = EngineProcess.run("journal", "verify", "--data-dir", dataDir.toString());
        assertEquals(1, verify.code(), verify.output());
        assertTrue(verify.output().contains("damaged [file=" + file), verify.output());
        assertTrue(verify.output().contains("truncated"), verify.output());

        final DataDirLock lock = DataDirLock.acquire(dataDir, "test");
        try (lock) {
            final ChildJvm.Exited refused = EngineProcess.run("journal", "repair", "--data-dir", dataDir.toString());
            assertEquals(2, refused.code(), refused.output());
            assertTrue(refused.output().contains("data dir is in use"), refused.output());
        }
        final ChildJvm.Exited repair = EngineProcess.run("journal", "repair", "--data-dir", dataDir.toString());
        assertEquals(0, repair.code(), repair.output());
        assertTrue(repair.output().contains("journal repair: cut damaged [file=" + file), repair.output());
        final ChildJvm.Exited after = EngineProcess.run("journal", "verify", "--data-dir", dataDir.toString());
        assertEquals(0, after.code(), after.output());
        assertTrue(after.output().contains("journal verify: ok"), after.output());

        try (EngineProcess engine = EngineProcess.start(dataDir)) {
            assertTrue(get(engine, "/health").contains("\"tailCut\":null"), "nothing left to cut");
            assertEquals(0, engine.terminate(), engine.output());
        }
        assertCandlesOfTheTicksKept(ticks);
    }

    @Test
    void shouldExplainTheJournalCommandsInTheirHelp() throws Exception {
        final ChildJvm.Exited help = EngineProcess.run("journal", "--help");
        assertEquals(0, help.code(), help.output());
        assertTrue(help.output().contains("verify") && help.output().contains("repair"), help.output());
        final ChildJvm.Exited repairHelp = EngineProcess.run("journal", "repair", "--help");
        assertTrue(repairHelp.output().contains("last whole document"), repairHelp.output());
        final ChildJvm.Exited empty = EngineProcess.run("journal", "verify", "--data-dir", dataDir.toString());
        assertEquals(0, empty.code(), empty.output());
        assertTrue(empty.output().contains("no journal files"), empty.output());
    }

    /** Posts the first {@link #POSTED} ticks, every one acknowledged, then kills the engine (SIGKILL). */
    private void postThenKill(final List<TickFiles.Tick> ticks) throws Exception {
        try (EngineProcess engine = EngineProcess.start(dataDir, NO_COMMIT)) {
            final TickPoster poster = new TickPoster(ticks, 0, POSTED, engine.port(), 40, SOURCE);
            poster.run();
            assertEquals(POSTED, poster.acknowledged.get(), "posted: " + poster.stoppedBy());
            engine.kill();
        }
    }

    /**
     * Asserts the journal holds a prefix of the posted ticks (seqs 1..n, each once, n short of all by the cut only)
     * and the store's candles are exactly the candles of that prefix.
     */
    private void assertCandlesOfTheTicksKept(final List<TickFiles.Tick> ticks) throws Exception {
        final List<Long> seqs = new ArrayList<>();
        try (TickJournal journal = TickJournal.open(dataDir.resolve("journal"), "FAST_DAILY")) {
            journal.replay(Long.MIN_VALUE, (record, index) -> {
                if (new String(record.source, 0, record.sourceLength, StandardCharsets.US_ASCII).equals(SOURCE)) {
                    seqs.add(record.seq);
                }
            });
        }
        final int kept = seqs.size();
        for (int i = 0; i < kept; i++) {
            assertEquals(i + 1, seqs.get(i), "the journal keeps a prefix of the acknowledged ticks");
        }
        // A cut takes the documents the damage touches: a request of 40 ticks is one document of at least 1,440 bytes
        // (a packed tick with its seq takes 36 or more), so 4 KB of garbage touches at most four; a truncation one.
        assertTrue(kept >= POSTED - 4 * 40 && kept < POSTED, "kept " + kept + " of " + POSTED);
        assertNotEquals(0, kept);
        final EngineContext context = new EngineContext().set("data.dir", dataDir.toString());
        try (CandleStore store = Stores.openStore(context)) {
            Candles.assertM1OfTicks(store, ticks.subList(0, kept));
        }
    }

    private Path newestCycleFile() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("journal"))) {
            return files.filter(p -> p.toString().endsWith(".cq4"))
                    .max(Path::compareTo)
                    .orElseThrow();
        }
    }

    /** @return the end of what was written: past the last non-zero byte (Chronicle pre-sizes files with zeros). */
    private static long writtenEnd(final Path file) throws IOException {
        final byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return end;
    }

    private static String get(final EngineProcess engine, final String path) throws Exception {
        final HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.port() + path))
                                .header("X-API-Key", HttpFixture.ADMIN_KEY)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
