package io.tickengine.core.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.testsupport.SmallEngine;
import io.tickengine.core.testsupport.SyntheticTicks;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged journal tail (last bytes overwritten, file truncated mid-document) is found, named, and cut at the last
 * whole document, keeping every index before it; the journal then opens and takes appends at the next index.
 */
class JournalTailTest {
    private static final long T0 = Instant.parse("2026-07-13T10:00:00Z").toEpochMilli();
    private static final int TICKS = 400;
    /** Ticks per request: one journal document each. */
    private static final int PER_REQUEST = 10;

    private static final int DOCUMENTS = TICKS / PER_REQUEST;

    @TempDir
    Path dataDir;

    @Test
    void shouldFindNoDamageInAWholeJournal() throws Exception {
        journalTicks(TICKS);
        final List<JournalTail.FileCheck> checks = JournalTail.verify(journalDir(), RollCycles.FAST_DAILY);
        assertEquals(1, checks.size());
        assertFalse(checks.get(0).isDamaged(), checks.get(0).describe());
        assertEquals(DOCUMENTS, checks.get(0).wholeDocuments(), "one document per request");
    }

    @Test
    void shouldCutAnOverwrittenTailAtTheLastWholeDocument() throws Exception {
        final long lastIndex = journalTicks(TICKS);
        final Path file = onlyCycleFile();
        final long end = writtenEnd(file);
        final byte[] garbage = new byte[4096];
        new Random(12).nextBytes(garbage);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(end - garbage.length);
            raf.write(garbage);
        }
        assertCutAndReopens(file, lastIndex);
    }

    @Test
    void shouldCutAFileTruncatedMidDocument() throws Exception {
        final long lastIndex = journalTicks(TICKS);
        final Path file = onlyCycleFile();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(writtenEnd(file) - 30);
        }
        assertCutAndReopens(file, lastIndex);
    }

    /** @param lastIndex the journal's last index before the damage: the store has every record up to it. */
    private void assertCutAndReopens(final Path file, final long lastIndex) throws Exception {
        final JournalTail.FileCheck damage =
                JournalTail.verify(journalDir(), RollCycles.FAST_DAILY).get(0);
        assertTrue(damage.isDamaged(), damage.describe());
        assertEquals(file, damage.file());
        assertTrue(damage.wholeDocuments() > 0 && damage.wholeDocuments() < DOCUMENTS, damage.describe());
        final List<Long> indices = new ArrayList<>();
        final JournalLayout layout;
        try (TickJournal reader = TickJournal.open(journalDir(), "FAST_DAILY")) {
            assertNull(reader.tailCut(), "a reader never cuts");
        }
        assertTrue(
                JournalTail.verify(journalDir(), RollCycles.FAST_DAILY).get(0).isDamaged());
        try (TickJournal journal = TickJournal.openAsOwner(journalDir(), "FAST_DAILY")) {
            assertNotNull(journal.tailCut(), "the cut is reported");
            assertEquals(damage.damageIndex(), journal.tailCut().damageIndex());
            journal.replay(Long.MIN_VALUE, (record, index) -> indices.add(index));
            layout = journal.layout();
        }
        assertEquals(damage.wholeDocuments() * PER_REQUEST, indices.size(), "every whole document kept, whole");
        for (int i = 0; i < indices.size(); i++) {
            assertEquals(
                    layout.recordIndex(layout.documentIndex(indices.get(0)) + i / PER_REQUEST, i % PER_REQUEST),
                    indices.get(i),
                    "indexes kept as they were");
        }
        assertEquals(damage.damageIndex(), layout.documentIndex(indices.get(indices.size() - 1)) + 1);
        try (var damaged = Files.list(journalDir().resolve(JournalTail.DAMAGED_DIR))) {
            assertEquals(1, damaged.count(), "the damaged file is kept aside");
        }
        // The engine starts on the cut journal.
        try (TickEngine engine = TickEngine.start(context())) {
            assertNull(engine.journal().tailCut(), "nothing left to cut");
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            ticks.tick("EURUSD", T0 + 10_000, 1.5, 1.75).publish();
            assertEquals(1, ticks.accepted);
            // The store committed what the cut took: the engine appends past it (padding documents in between).
            assertEquals(
                    layout.documentIndex(lastIndex) + 1,
                    layout.documentIndex(engine.journal().lastIndex()));
        }
        final JournalTail.FileCheck after =
                JournalTail.verify(journalDir(), RollCycles.FAST_DAILY).get(0);
        assertFalse(after.isDamaged(), after.describe());
        assertEquals(
                layout.documentIndex(lastIndex) + 2 - layout.documentIndex(indices.get(0)), after.wholeDocuments());
    }

    /** @return the journal's last index. */
    private long journalTicks(final int count) throws Exception {
        try (TickEngine engine = TickEngine.start(context())) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            int accepted = 0;
            for (int i = 0; i < count; i++) {
                ticks.add("EURUSD", T0 + i, 1.1 + i * 1e-5, 1.2, 0, 0, 0, 3, "term-01", i + 1);
                if (i % PER_REQUEST == PER_REQUEST - 1 || i == count - 1) {
                    accepted += ticks.publish().accepted;
                }
            }
            assertEquals(count, accepted);
            return engine.journal().lastIndex();
        }
    }

    private Path journalDir() {
        return dataDir.resolve("journal");
    }

    private Path onlyCycleFile() throws IOException {
        final List<Path> files = JournalTail.cycleFiles(journalDir());
        assertEquals(1, files.size(), files.toString());
        return files.get(0);
    }

    /** @return the end of the written bytes: past the last non-zero byte (the file is pre-sized with zeros). */
    static long writtenEnd(final Path file) throws IOException {
        final byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return end;
    }

    private EngineContext context() {
        return SmallEngine.context(dataDir, 1024, 64);
    }
}
