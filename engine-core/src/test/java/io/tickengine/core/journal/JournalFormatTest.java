package io.tickengine.core.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.candle.BarBuffer;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.ring.TickEvent;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's two record formats ({@link TickRecordDescriptor}): a new journal packs its ticks (zero fields and
 * repeated names left out) and reads every field back bit for bit, whatever fields are set and whatever records
 * come between; a journal of format 1 goes on being written and read in format 1; {@code journal verify} finds a
 * packed record that is not whole.
 */
class JournalFormatTest {
    private static final long T0 = Instant.parse("2026-07-13T10:00:00Z").toEpochMilli();
    private static final String ROLL_CYCLE = "FAST_DAILY";

    @TempDir
    Path dir;

    private final NameTable symbols = new NameTable(16);
    private final NameTable sources = new NameTable(16);
    private final TickBuffer ticks = new TickBuffer(64);
    private final TickEvent event = new TickEvent();

    /** What a replay gives for one record, copied out of the reused {@link JournalRecord}. */
    private record Read(
            byte kind,
            String symbol,
            String source,
            long timeMsc,
            long bid,
            long ask,
            long last,
            long volume,
            long volumeReal,
            long seq,
            int flags,
            long barOpen,
            long replaceToMsc) {}

    @Test
    void shouldPackAQuoteIntoLessThanHalfOfAFixedRecordAndLeaveRepeatedNamesOut() throws Exception {
        final long packed = bytesOfOneRequest(journal(), 1_000);
        // The first tick 38 bytes (28 + flags 4 + EURUSD 6), every later one 32 (its names are the tick before's).
        assertEquals(38 + 999 * 32, packed);
        final long fixed = bytesOfOneRequest(fixedFormatJournal(), 1_000);
        assertEquals(1_000 * 70, fixed);
        assertTrue(
                Files.readString(dir.resolve("packed").resolve(JournalLayout.FILE))
                        .contains("record.format=2"),
                "a new journal says its format");
    }

    @Test
    void shouldReadEveryFieldBackBitForBitWhateverFieldsAreSetAndWhateverComesBetween() throws Exception {
        final List<Read> written = writeEveryKindAndReadItBack(journal(), true);
        // And a journal of format 1 keeps its format: the same records read back the same.
        assertEquals(written, writeEveryKindAndReadItBack(fixedFormatJournal(), false));
        assertFalse(
                Files.readString(fixedFormatJournal().resolve(JournalLayout.FILE))
                        .contains("record.format"),
                "its layout file is left as it was");
    }

    /** @return the records {@link #writeEveryKind} wrote, once replay, a cursor and verify agree on them. */
    private List<Read> writeEveryKindAndReadItBack(final Path journalDir, final boolean packed) {
        final List<Read> written = new ArrayList<>();
        try (TickJournal journal = TickJournal.openAsOwner(journalDir, ROLL_CYCLE)) {
            assertEquals(packed, journal.layout().isPacked());
            writeEveryKind(journal, written);
        }
        assertEquals(written, replay(journalDir, Long.MIN_VALUE));
        assertEquals(written, polled(journalDir, 7), "a cursor whose limits end inside documents");
        final List<JournalTail.FileCheck> checks = JournalTail.verify(journalDir, RollCycles.FAST_DAILY);
        assertFalse(checks.get(0).isDamaged(), () -> "verify: " + checks);
        return written;
    }

    @Test
    void shouldReplayFromARecordInsideADocumentOfPackedTicksWithItsNames() throws Exception {
        final List<Read> written = new ArrayList<>();
        try (TickJournal journal = TickJournal.openAsOwner(journal(), ROLL_CYCLE)) {
            writeEveryKind(journal, written);
        }
        final List<Read> all = replay(journal(), Long.MIN_VALUE);
        final List<Long> indices = new ArrayList<>();
        try (TickJournal journal = TickJournal.open(journal(), ROLL_CYCLE)) {
            journal.replay(Long.MIN_VALUE, (r, index) -> indices.add(index));
        }
        for (int from = 0; from < indices.size(); from += 13) {
            assertEquals(all.subList(from, all.size()), replay(journal(), indices.get(from)), "from record " + from);
        }
    }

    @Test
    void shouldFindAPackedRecordThatIsNotWhole() throws Exception {
        try (TickJournal journal = TickJournal.openAsOwner(journal(), ROLL_CYCLE)) {
            tick(journal, "EURUSD", T0, 0, null);
            tick(journal, "EURUSD", T0 + 1, 0, null);
            journal.commitDocument();
        }
        // A tick that claims the names of a record before it, first in its document.
        appendRaw(journal(), packedTick(TickRecordDescriptor.PACKED_SAME_NAMES, 0));
        assertDamage("record 0: bad name lengths");
        Files.delete(JournalTail.cycleFiles(journal()).get(0));
        // A fields byte with a bit this version does not know.
        appendRaw(journal(), packedTick(1 << 5, 6));
        assertDamage("record 0: unknown packed tick fields");
    }

    @Test
    void shouldRefuseAJournalOfAFormatThisVersionDoesNotKnow() throws Exception {
        Files.createDirectories(journal());
        Files.writeString(journal().resolve(JournalLayout.FILE), "record.bits=15\nrecord.format=3\n");
        final JournalException e = assertThrows(JournalException.class, () -> TickJournal.open(journal(), ROLL_CYCLE));
        assertTrue(e.getMessage().contains("format=3"), e.getMessage());
    }

    /**
     * Writes ticks with every subset of the optional fields (zeros, -0.0, NaN and ordinary values), with and without
     * a source, runs of the same names and changes of name, bars and replaces between them, over several documents.
     */
    private void writeEveryKind(final TickJournal journal, final List<Read> written) {
        final double[] specials = {1.5, -0.0, Double.NaN};
        long time = T0;
        for (int fields = 0; fields < 32; fields++) {
            for (int variant = 0; variant < 3; variant++) {
                final String symbol = variant == 2 ? "XAUUSD.m" : "EURUSD";
                final String source = variant == 1 ? "term-01" : null;
                final double special = specials[(fields + variant) % specials.length];
                final double last = (fields & 1) != 0 ? special : 0;
                final long volume = (fields & 2) != 0 ? -7L * (variant + 1) : 0;
                final double volumeReal = (fields & 4) != 0 ? special * 3 : 0;
                final long seq = (fields & 8) != 0 ? Long.MAX_VALUE - fields : 0;
                final int flags = (fields & 16) != 0 ? 0x80000000 | fields : 0;
                ticks.clear();
                ticks.add(
                        symbols.intern(symbol),
                        ++time,
                        1.0 + fields * 1e-5,
                        -0.0,
                        last,
                        volume,
                        volumeReal,
                        flags,
                        source == null ? TickBuffer.NO_SOURCE : sources.intern(source),
                        seq);
                event.fillTick(ticks, 0);
                journal.append(event, symbols, sources);
                written.add(new Read(
                        TickRecordDescriptor.KIND_TICK,
                        symbol,
                        source == null ? "" : source,
                        time,
                        bits(1.0 + fields * 1e-5),
                        bits(-0.0),
                        bits(last),
                        volume,
                        bits(volumeReal),
                        seq,
                        flags,
                        0,
                        0));
            }
            if (fields % 5 == 4) {
                final BarBuffer bars = new BarBuffer(1);
                bars.add(symbols.intern("EURUSD"), Timeframe.M1, time, 1.25, 1.5, 1.0, 1.125, 10, 0, Double.NaN);
                event.fillBar(bars, 0);
                journal.appendBar(event, symbols);
                written.add(new Read(
                        TickRecordDescriptor.KIND_BAR, "EURUSD", "", time, 0, 0, 0, 0, 0, 0, 0, bits(1.25), 0));
            }
            if (fields % 7 == 6) {
                event.fillReplace(symbols.intern("EURUSD"), T0, time, 5);
                journal.appendReplace(event, symbols);
                written.add(
                        new Read(TickRecordDescriptor.KIND_REPLACE, "EURUSD", "", T0, 0, 0, 0, 0, 0, 0, 0, 0, time));
            }
            if (fields % 3 == 2) {
                journal.commitDocument();
            }
        }
        journal.commitDocument();
    }

    private void tick(
            final TickJournal journal, final String symbol, final long time, final int flags, final String source) {
        ticks.clear();
        ticks.add(
                symbols.intern(symbol),
                time,
                1.1,
                1.2,
                0,
                0,
                0,
                flags,
                source == null ? TickBuffer.NO_SOURCE : sources.intern(source),
                0);
        event.fillTick(ticks, 0);
        journal.append(event, symbols, sources);
    }

    /** @return the bytes the journal's one document holds after a request of {@code n} EURUSD quotes with flags. */
    private long bytesOfOneRequest(final Path journalDir, final int n) {
        try (TickJournal journal = TickJournal.openAsOwner(journalDir, ROLL_CYCLE)) {
            for (int i = 0; i < n; i++) {
                tick(journal, "EURUSD", T0 + i, 6, null);
            }
            return journal.commitDocument();
        }
    }

    private static List<Read> replay(final Path journalDir, final long from) {
        final List<Read> read = new ArrayList<>();
        try (TickJournal journal = TickJournal.open(journalDir, ROLL_CYCLE)) {
            journal.replay(from, (r, index) -> read.add(copy(r)));
        }
        return read;
    }

    private static List<Read> polled(final Path journalDir, final int limit) {
        final List<Read> read = new ArrayList<>();
        try (TickJournal journal = TickJournal.open(journalDir, ROLL_CYCLE);
                TickJournal.Cursor cursor = journal.cursor(Long.MIN_VALUE)) {
            while (cursor.poll((r, index) -> read.add(copy(r)), limit) > 0) {
                // Until the end.
            }
        }
        return read;
    }

    private static Read copy(final JournalRecord r) {
        final boolean tick = r.kind == TickRecordDescriptor.KIND_TICK;
        return new Read(
                r.kind,
                new String(r.symbol, 0, r.symbolLength, StandardCharsets.US_ASCII),
                tick ? new String(r.source, 0, r.sourceLength, StandardCharsets.US_ASCII) : "",
                r.timeMsc,
                tick ? bits(r.bid) : 0,
                tick ? bits(r.ask) : 0,
                tick ? bits(r.last) : 0,
                tick ? r.volume : 0,
                tick ? bits(r.volumeReal) : 0,
                tick ? r.seq : 0,
                tick ? r.flags : 0,
                r.kind == TickRecordDescriptor.KIND_BAR ? bits(r.barOpen) : 0,
                r.kind == TickRecordDescriptor.KIND_REPLACE ? r.replaceToMsc : 0);
    }

    private static long bits(final double value) {
        return Double.doubleToRawLongBits(value);
    }

    /** @return a packed tick record with this fields byte and an {@code EURUSD} of this length (0 or 6). */
    private static byte[] packedTick(final int fields, final int symbolLength) {
        final byte[] record = new byte[TickRecordDescriptor.PACKED_HEADER_LENGTH + symbolLength];
        record[0] = TickRecordDescriptor.KIND_TICK;
        record[1] = (byte) fields;
        record[2] = (byte) symbolLength;
        System.arraycopy("EURUSD".getBytes(StandardCharsets.US_ASCII), 0, record, 28, symbolLength);
        return record;
    }

    private static void appendRaw(final Path journalDir, final byte[] document) {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(journalDir)
                        .rollCycle(RollCycles.FAST_DAILY)
                        .build();
                ExcerptAppender appender = queue.createAppender();
                DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(document);
        }
    }

    private void assertDamage(final String problem) {
        final JournalTail.FileCheck check =
                JournalTail.verify(journal(), RollCycles.FAST_DAILY).get(0);
        assertTrue(check.isDamaged(), () -> "damage found: " + check);
        assertTrue(check.problem().startsWith(problem), () -> "problem named: " + check.problem());
    }

    private Path journal() {
        return dir.resolve("packed");
    }

    /** A journal directory whose layout file was written before format 2 (no format line): records of format 1. */
    private Path fixedFormatJournal() throws Exception {
        final Path journal = dir.resolve("fixed");
        if (!Files.exists(journal)) {
            Files.createDirectories(journal);
            Files.writeString(journal.resolve(JournalLayout.FILE), "record.bits=15\n");
        }
        return journal;
    }
}
