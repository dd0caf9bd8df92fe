package io.tickengine.core.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.testsupport.SmallEngine;
import io.tickengine.core.testsupport.SyntheticTicks;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One journal document per request: a request's records share a document and are numbered within it
 * ({@link JournalLayout}); replays and cursors start anywhere, inside a document too; a request cut off by a crash is
 * gone whole; a journal written before the layout keeps one record per document.
 */
class JournalDocumentTest {
    private static final long T0 = Instant.parse("2026-07-13T10:00:00Z").toEpochMilli();
    private static final int SMALL = 10;
    private static final int LARGE = 1_000;

    @TempDir
    Path dataDir;

    @Test
    void shouldJournalARequestAsOneDocumentWithItsRecordsNumberedWithinIt() throws Exception {
        journalRequests(SMALL, LARGE);
        final List<JournalTail.FileCheck> checks = JournalTail.verify(journalDir(), RollCycles.FAST_DAILY);
        assertEquals(2, checks.get(0).wholeDocuments(), "one document per request");
        try (TickJournal journal = TickJournal.open(journalDir(), "FAST_DAILY")) {
            final JournalLayout layout = journal.layout();
            assertEquals(15, layout.recordBits(), "FAST_DAILY leaves 15 bits of a long to number records");
            final List<Long> indices = new ArrayList<>();
            final List<Long> times = new ArrayList<>();
            assertEquals(SMALL + LARGE, journal.replay(Long.MIN_VALUE, (r, index) -> {
                indices.add(index);
                times.add(r.timeMsc);
            }));
            final long first = layout.documentIndex(indices.get(0));
            for (int i = 0; i < SMALL + LARGE; i++) {
                final long document = i < SMALL ? first : first + 1;
                assertEquals(layout.recordIndex(document, i < SMALL ? i : i - SMALL), indices.get(i));
                assertEquals(T0 + i, times.get(i), "records in request order");
            }
            assertEquals(indices.get(SMALL + LARGE - 1), journal.lastIndex());
            assertEquals(0, journal.recordsAfter(journal.lastIndex()));
            assertEquals(LARGE - 1, journal.recordsAfter(indices.get(SMALL)), "exact within a document");
            assertEquals(LARGE + 4, journal.recordsAfter(indices.get(SMALL - 5)), "and across documents");
            assertEquals(SMALL + LARGE, journal.recordsAfter(-1));

            // A replay from inside a document starts at that record.
            final List<Long> fromMiddle = new ArrayList<>();
            journal.replay(indices.get(SMALL + 400), (r, index) -> fromMiddle.add(index));
            assertEquals(indices.subList(SMALL + 400, SMALL + LARGE), fromMiddle);

            // A cursor's limit may end inside a document: the next poll goes on from the record after it.
            final List<Long> polled = new ArrayList<>();
            final List<Integer> reads = new ArrayList<>();
            try (TickJournal.Cursor cursor = journal.cursor(indices.get(3))) {
                int read;
                while ((read = cursor.poll((r, index) -> polled.add(index), 300)) > 0) {
                    reads.add(read);
                }
            }
            assertEquals(List.of(300, 300, 300, 107), reads);
            assertEquals(indices.subList(3, SMALL + LARGE), polled);
        }
    }

    @Test
    void shouldCountALongBacklogFromItsDocumentsBeyondTheRecordsItWalks() throws Exception {
        // 80 requests of 1,000 and one of 7: more records than recordsAfter walks header by header.
        final int[] sizes = new int[81];
        Arrays.fill(sizes, 0, 80, LARGE);
        sizes[80] = 7;
        journalRequests(sizes);
        try (TickJournal journal = TickJournal.open(journalDir(), "FAST_DAILY")) {
            final List<Long> indices = new ArrayList<>();
            journal.replay(Long.MIN_VALUE, (r, index) -> indices.add(index));
            assertEquals(80 * LARGE + 7, indices.size());
            assertTrue(80 * LARGE > TickJournal.MAX_COUNTED_RECORDS, "the backlog is longer than the walk");
            // Documents of equal size make the estimate of the documents not walked exact.
            assertEquals(80 * LARGE + 7, journal.recordsAfter(-1));
            assertEquals(79 * LARGE + 6, journal.recordsAfter(indices.get(LARGE)), "from the second request");
            assertEquals(7, journal.recordsAfter(indices.get(80 * LARGE - 1)), "the last document's own count");
        }
    }

    @Test
    void shouldCountManySingleTickDocumentsFromTheirNumberBeyondTheDocumentsItWalks() throws Exception {
        final int[] sizes = new int[TickJournal.MAX_COUNTED_DOCUMENTS + 1_001];
        Arrays.fill(sizes, 1);
        sizes[sizes.length - 1] = 3;
        journalRequests(sizes);
        try (TickJournal journal = TickJournal.open(journalDir(), "FAST_DAILY")) {
            final List<Long> indices = new ArrayList<>();
            journal.replay(Long.MIN_VALUE, (r, index) -> indices.add(index));
            assertEquals(sizes.length + 2, indices.size());
            assertEquals(sizes.length + 2, journal.recordsAfter(-1));
            assertEquals(sizes.length + 1, journal.recordsAfter(indices.get(0)));
        }
    }

    @Test
    void shouldLoseARequestCutOffByACrashWholeNeverInPart() throws Exception {
        journalRequests(SMALL, LARGE);
        final Path file = JournalTail.cycleFiles(journalDir()).get(0);
        // The last request's document ends 30 bytes short: the process died while it was written.
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(JournalTailTest.writtenEnd(file) - 30);
        }
        try (TickJournal journal = TickJournal.openAsOwner(journalDir(), "FAST_DAILY")) {
            assertTrue(journal.tailCut() != null && journal.tailCut().isDamaged(), "the cut is reported");
            final List<Long> times = new ArrayList<>();
            journal.replay(Long.MIN_VALUE, (r, index) -> times.add(r.timeMsc));
            assertEquals(SMALL, times.size(), "the first request whole, nothing of the one cut off");
            assertEquals(T0 + SMALL - 1, times.get(SMALL - 1));
        }
    }

    @Test
    void shouldKeepOneRecordPerDocumentInAJournalWrittenBeforeTheLayout() throws Exception {
        // Documents of single records, as an older version wrote them, in a journal without a layout file.
        final List<byte[]> records = new ArrayList<>();
        final Path source = dataDir.resolve("source");
        // Records of format 1, the only format of such journals: the source journal is made as an older version did.
        Files.createDirectories(source.resolve("journal"));
        Files.writeString(source.resolve("journal").resolve(JournalLayout.FILE), "record.bits=15\n");
        try (TickEngine engine = TickEngine.start(context(source))) {
            new SyntheticTicks(engine)
                    .tick("EURUSD", T0, 1.1, 1.2)
                    .tick("EURUSD", T0 + 1, 1.1, 1.2)
                    .tick("EURUSD", T0 + 2, 1.1, 1.2)
                    .publish();
        }
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(source.resolve("journal"))
                        .rollCycle(RollCycles.FAST_DAILY)
                        .build();
                ExcerptTailer tailer = queue.createTailer();
                DocumentContext dc = tailer.readingDocument()) {
            final Bytes<?> bytes = dc.wire().bytes();
            final int length = (int) bytes.readRemaining() / 3;
            for (int i = 0; i < 3; i++) {
                final byte[] record = new byte[length];
                bytes.read(record);
                records.add(record);
            }
        }
        Files.createDirectories(journalDir());
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(journalDir())
                        .rollCycle(RollCycles.FAST_DAILY)
                        .build();
                ExcerptAppender appender = queue.createAppender()) {
            for (final byte[] record : records) {
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().write(record);
                }
            }
        }

        try (TickEngine engine = TickEngine.start(context(dataDir))) {
            assertTrue(engine.journal().layout().isLegacy());
            final SyntheticTicks ticks = new SyntheticTicks(engine)
                    .tick("EURUSD", T0 + 3, 1.1, 1.2)
                    .tick("EURUSD", T0 + 4, 1.1, 1.2)
                    .publish();
            assertEquals(2, ticks.accepted);
            final List<Long> indices = new ArrayList<>();
            engine.journal().replay(Long.MIN_VALUE, (r, index) -> indices.add(index));
            assertEquals(5, indices.size());
            for (int i = 1; i < 5; i++) {
                assertEquals(indices.get(i - 1) + 1, indices.get(i), "Chronicle's own indices, one per record");
            }
        }
        assertFalse(Files.exists(journalDir().resolve(JournalLayout.FILE)), "the old layout stays");
        assertEquals(
                5,
                JournalTail.verify(journalDir(), RollCycles.FAST_DAILY).get(0).wholeDocuments());
    }

    /** Journals one request per size given, ticks numbered in time from {@link #T0} across them. */
    private void journalRequests(final int... sizes) throws Exception {
        try (TickEngine engine = TickEngine.start(context(dataDir))) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            int n = 0;
            int accepted = 0;
            for (final int size : sizes) {
                for (int i = 0; i < size; i++, n++) {
                    ticks.add("EURUSD", T0 + n, 1.1 + n * 1e-5, 1.2, 0, 0, 0, 3, "term-01", n + 1);
                }
                accepted += ticks.publish().accepted;
            }
            assertEquals(n, accepted);
        }
    }

    private Path journalDir() {
        return dataDir.resolve("journal");
    }

    private static EngineContext context(final Path dir) {
        return SmallEngine.context(dir, 4096, 2048);
    }
}
