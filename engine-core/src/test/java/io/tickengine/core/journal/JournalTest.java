package io.tickengine.core.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.testsupport.JournalDocuments;
import io.tickengine.core.testsupport.SyntheticTicks;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickFlags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Chronicle journal: what the engine appends is read back whole, from any index, by a later process; purging
 * never removes what a restart still needs.
 */
class JournalTest {
    private static final long T0 = Instant.parse("2026-07-13T10:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;
    private static final String ROLL_CYCLE = "FAST_DAILY";

    @TempDir
    Path dataDir;

    /** A journal record copied out of the reused {@link JournalRecord}. */
    record Tick(
            String symbol,
            long timeMsc,
            double bid,
            double ask,
            double last,
            long volume,
            double volumeReal,
            int flags,
            String source,
            long seq) {}

    @Test
    void shouldReadBackEveryJournaledTickWithAllItsFields() throws Exception {
        final EngineContext context = context();
        final String longSymbol = "abcdefghijklmnopqrstuvwxyzABCDEF";
        final String longSource = "edge-agent.host-01_terminal-0042";
        final List<Tick> sent = List.of(
                new Tick("EURUSD", T0 + 1, 1.14273, 1.14277, 0, 0, 0, TickFlags.BID | TickFlags.ASK, "", 0),
                new Tick(
                        "SBER",
                        T0 + 2,
                        0,
                        0,
                        300.5,
                        10,
                        10.5,
                        TickFlags.LAST | TickFlags.VOLUME | TickFlags.BUY,
                        "term-01",
                        1),
                new Tick(longSymbol, T0 + 3, 2.5, 2.75, 2.625, 7, 0.125, TickFlags.ALL, longSource, 2),
                new Tick("EURUSD", T0 + 3, 1.14274, 0, 0, 0, 0, TickFlags.BID, "term-01", 2));
        try (TickEngine engine = TickEngine.start(context)) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            for (final Tick t : sent) {
                ticks.add(
                        t.symbol(),
                        t.timeMsc(),
                        t.bid(),
                        t.ask(),
                        t.last(),
                        t.volume(),
                        t.volumeReal(),
                        t.flags(),
                        t.source().isEmpty() ? null : t.source(),
                        t.seq());
            }
            ticks.publish();
            assertEquals(sent.size(), ticks.accepted);
        }
        try (TickJournal journal = TickJournal.open(context.journalDir(), ROLL_CYCLE)) {
            final List<Long> indices = new ArrayList<>();
            final List<Tick> read = new ArrayList<>();
            final long count = journal.replay(Long.MIN_VALUE, (record, index) -> {
                indices.add(index);
                read.add(copy(record));
            });
            assertEquals(sent, read);
            assertEquals(sent.size(), count);
            for (int i = 1; i < indices.size(); i++) {
                assertTrue(indices.get(i) > indices.get(i - 1), "indices increase");
            }
            assertEquals(indices.get(0), journal.firstIndex());
            assertEquals(indices.get(indices.size() - 1), journal.lastIndex());
        }
    }

    @Test
    void shouldReadBackNamesOfEveryLength() throws Exception {
        // The journal writes names a word at a time: every length from 1 to the limit, each word size and tail.
        final EngineContext context = context();
        final String letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij";
        final List<String> symbols = new ArrayList<>();
        final List<String> sources = new ArrayList<>();
        try (TickEngine engine = TickEngine.start(context)) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            for (int n = 1; n <= NameTable.MAX_LENGTH; n++) {
                final String symbol = letters.substring(0, n);
                final String source = letters.substring(NameTable.MAX_LENGTH - n + 1, NameTable.MAX_LENGTH + 1);
                symbols.add(symbol);
                sources.add(source);
                ticks.add(symbol, T0 + n, 1.5, 1.75, 0, 0, source, n);
            }
            ticks.publish();
            assertEquals(NameTable.MAX_LENGTH, ticks.accepted);
        }
        try (TickJournal journal = TickJournal.open(context.journalDir(), ROLL_CYCLE)) {
            final List<Tick> read = readAll(journal, Long.MIN_VALUE);
            assertEquals(symbols, read.stream().map(Tick::symbol).toList());
            assertEquals(sources, read.stream().map(Tick::source).toList());
        }
    }

    @Test
    void shouldHaveEveryAcknowledgedTickInTheJournalWhileTheEngineRuns() throws Exception {
        final EngineContext context = context();
        try (TickEngine engine = TickEngine.start(context)) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            ticks.tick("EURUSD", T0 + 1, 1.5, 1.75)
                    .tick("EURUSD", T0 + 2, 1.5, 1.75)
                    .publish();
            ticks.tick("GBPUSD", T0 + 3, 1.25, 1.5).publish();
            // Acknowledged means journaled: another reader of the directory sees all of it now, engine still running.
            try (TickJournal reader = TickJournal.open(context.journalDir(), ROLL_CYCLE)) {
                final List<Tick> read = readAll(reader, Long.MIN_VALUE);
                assertEquals(3, read.size());
                assertEquals("GBPUSD", read.get(2).symbol());
                assertEquals(engine.journal().id(), reader.id());
            }
        }
    }

    @Test
    void shouldReplayTheSuffixFromAMiddleIndex() throws Exception {
        final EngineContext context = context();
        try (TickEngine engine = TickEngine.start(context)) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            for (int i = 0; i < 5; i++) {
                ticks.tick("EURUSD", T0 + i, 1 + i * 0.25, 2 + i * 0.25).publish();
            }
        }
        try (TickJournal journal = TickJournal.open(context.journalDir(), ROLL_CYCLE)) {
            final List<Long> indices = new ArrayList<>();
            final List<Tick> all = new ArrayList<>();
            journal.replay(Long.MIN_VALUE, (record, index) -> {
                indices.add(index);
                all.add(copy(record));
            });
            assertEquals(5, all.size());

            final List<Tick> suffix = new ArrayList<>();
            final long count = journal.replay(indices.get(2), (record, index) -> suffix.add(copy(record)));
            assertEquals(all.subList(2, 5), suffix);
            assertEquals(3, count);

            assertEquals(all.subList(4, 5), readAll(journal, indices.get(4)));
            assertEquals(List.of(), readAll(journal, indices.get(4) + 1), "nothing after the last index");
            assertEquals(all, readAll(journal, indices.get(0)));
        }
    }

    @Test
    void shouldNotJournalATickItsSourceAlreadySent() throws Exception {
        final EngineContext context = context();
        try (TickEngine engine = TickEngine.start(context)) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            ticks.add("EURUSD", T0 + 1, 1.5, 1.75, 0, 0, "edge-01", 1)
                    .add("EURUSD", T0 + 2, 1.5, 1.75, 0, 0, "edge-01", 2)
                    .publish();
            ticks.add("EURUSD", T0 + 2, 1.5, 1.75, 0, 0, "edge-01", 2)
                    .add("EURUSD", T0 + 3, 1.5, 1.75, 0, 0, "edge-01", 3)
                    .publish();
            assertEquals(1, ticks.accepted);
            assertEquals(1, ticks.duplicates);
        }
        try (TickJournal journal = TickJournal.open(context.journalDir(), ROLL_CYCLE)) {
            final List<Long> seqs =
                    readAll(journal, Long.MIN_VALUE).stream().map(Tick::seq).toList();
            assertEquals(List.of(1L, 2L, 3L), seqs);
        }
    }

    @Test
    void shouldKeepItsIdAcrossReopeningAndMakeANewOneForANewDirectory() throws Exception {
        final Path dir = dataDir.resolve("journal");
        final String id;
        try (TickJournal journal = TickJournal.open(dir, ROLL_CYCLE)) {
            id = journal.id();
        }
        try (TickJournal journal = TickJournal.open(dir, ROLL_CYCLE)) {
            assertEquals(id, journal.id());
        }
        assertEquals(
                id,
                Files.readString(dir.resolve("journal.id"), StandardCharsets.US_ASCII)
                        .trim());
        try (TickJournal other = TickJournal.open(dataDir.resolve("other-journal"), ROLL_CYCLE)) {
            assertNotEquals(id, other.id());
        }
    }

    @Test
    void shouldRefuseAnUnknownRollCycle() {
        final JournalException e =
                assertThrows(JournalException.class, () -> TickJournal.open(dataDir.resolve("journal"), "FORTNIGHTLY"));
        assertTrue(e.getMessage().contains("rollCycle=FORTNIGHTLY"), e.getMessage());
    }

    @Test
    void shouldNeverPurgeAFileHoldingTicksAtOrAfterTheKeepIndex() throws Exception {
        final OldCycles old = writeOldCycles();
        try (TickJournal journal = TickJournal.open(old.dir, ROLL_CYCLE)) {
            assertEquals(0, journal.purge(old.tenDaysAgoIndex, Long.MAX_VALUE), "the oldest tick is still needed");
            assertEquals(3, cycleFiles(old.dir).size());
            assertEquals(1, journal.purge(old.threeDaysAgoIndex, Long.MAX_VALUE));
            assertEquals(2, cycleFiles(old.dir).size());
        }
        try (TickJournal journal = TickJournal.open(old.dir, ROLL_CYCLE)) {
            // A restart replaying from the keep index still finds every tick from there on.
            final List<Tick> read = readAll(journal, old.threeDaysAgoIndex);
            assertEquals(
                    List.of("THREE", "NOW"), read.stream().map(Tick::symbol).toList());
        }
    }

    @Test
    void shouldPurgeOnlyFilesThatEndedBeforeTheRetentionLimit() throws Exception {
        final OldCycles old = writeOldCycles();
        try (TickJournal journal = TickJournal.open(old.dir, ROLL_CYCLE)) {
            // Retention of 7 days: the ten-day-old file goes, the three-day-old one stays.
            assertEquals(1, journal.purge(Long.MAX_VALUE, old.nowMsc - 7 * DAY));
            assertEquals(2, cycleFiles(old.dir).size());
            assertEquals(0, journal.purge(Long.MAX_VALUE, old.nowMsc - 7 * DAY));
        }
        try (TickJournal journal = TickJournal.open(old.dir, ROLL_CYCLE)) {
            assertEquals(
                    List.of("THREE", "NOW"),
                    readAll(journal, Long.MIN_VALUE).stream().map(Tick::symbol).toList());
        }
    }

    @Test
    void shouldNeverPurgeTheCurrentCycle() throws Exception {
        final OldCycles old = writeOldCycles();
        try (TickJournal journal = TickJournal.open(old.dir, ROLL_CYCLE)) {
            // Nothing needed any more and everything past retention: still the current file stays.
            assertEquals(2, journal.purge(Long.MAX_VALUE, Long.MAX_VALUE));
            assertEquals(1, cycleFiles(old.dir).size());
            assertEquals(0, journal.purge(Long.MAX_VALUE, Long.MAX_VALUE));
        }
        try (TickJournal journal = TickJournal.open(old.dir, ROLL_CYCLE)) {
            assertEquals(
                    List.of("NOW"),
                    readAll(journal, Long.MIN_VALUE).stream().map(Tick::symbol).toList());
        }
    }

    /** The journal directory with one tick in each of three daily cycles: ten days ago, three days ago, today. */
    private record OldCycles(Path dir, long nowMsc, long tenDaysAgoIndex, long threeDaysAgoIndex, long nowIndex) {}

    /**
     * Writes old cycle files honestly: three ticks are journaled by a real engine, and their records are copied byte
     * for byte into a queue whose clock is Chronicle's own {@link SetTimeProvider}, so the queue names, indexes and
     * lists the files exactly as if the ticks had been journaled on those days, in the layout of a journal written
     * before documents held whole requests (one record per document, no layout file, records of format 1).
     */
    private OldCycles writeOldCycles() throws Exception {
        final long nowMsc = System.currentTimeMillis();
        final List<byte[]> records = journaledRecords(
                dataDir.resolve("source-engine"),
                List.of("TEN", "THREE", "NOW"),
                List.of(nowMsc - 10 * DAY, nowMsc - 3 * DAY, nowMsc));
        final Path dir = dataDir.resolve("journal");
        final SetTimeProvider clock = new SetTimeProvider(Instant.ofEpochMilli(nowMsc - 10 * DAY));
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir)
                        .rollCycle(RollCycles.FAST_DAILY)
                        .timeProvider(clock)
                        .build();
                ExcerptAppender appender = queue.createAppender()) {
            final long tenDaysAgo = appendRecord(appender, records.get(0));
            clock.currentTimeMillis(nowMsc - 3 * DAY);
            final long threeDaysAgo = appendRecord(appender, records.get(1));
            clock.currentTimeMillis(nowMsc);
            final long now = appendRecord(appender, records.get(2));
            assertEquals(3, cycleFiles(dir).size(), "one file per daily cycle");
            return new OldCycles(dir, nowMsc, tenDaysAgo, threeDaysAgo, now);
        }
    }

    /** Journals one tick per symbol with a real engine in {@code engineDir} and returns the raw journal records. */
    private static List<byte[]> journaledRecords(
            final Path engineDir, final List<String> symbols, final List<Long> times) throws Exception {
        final EngineContext context = new EngineContext()
                .set("data.dir", engineDir.toString())
                .set("ring.size", "1024")
                .set("ring.max.batch", "64")
                .set("writer.ring.bytes", "65536");
        // Records of format 1, the only format of a journal without a layout file.
        Files.createDirectories(context.journalDir());
        Files.writeString(context.journalDir().resolve(JournalLayout.FILE), "record.bits=15\n");
        try (TickEngine engine = TickEngine.start(context)) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            // One request per tick: one document each, to copy into cycles of their own.
            for (int i = 0; i < symbols.size(); i++) {
                ticks.tick(symbols.get(i), times.get(i), 1.5, 1.75).publish();
            }
        }
        final List<byte[]> records = JournalDocuments.read(context.journalDir());
        assertEquals(symbols.size(), records.size());
        return records;
    }

    private static long appendRecord(final ExcerptAppender appender, final byte[] record) {
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(record);
        }
        return appender.lastIndexAppended();
    }

    private static List<Path> cycleFiles(final Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SingleChronicleQueue.SUFFIX))
                    .toList();
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Tick> readAll(final TickJournal journal, final long fromIndex) {
        final List<Tick> read = new ArrayList<>();
        journal.replay(fromIndex, (record, index) -> read.add(copy(record)));
        return read;
    }

    private static Tick copy(final JournalRecord r) {
        return new Tick(
                new String(r.symbol, 0, r.symbolLength, StandardCharsets.US_ASCII),
                r.timeMsc,
                r.bid,
                r.ask,
                r.last,
                r.volume,
                r.volumeReal,
                r.flags,
                new String(r.source, 0, r.sourceLength, StandardCharsets.US_ASCII),
                r.seq);
    }

    private EngineContext context() {
        return new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("journal.sync", "true")
                .set("journal.roll.cycle", ROLL_CYCLE)
                .set("ring.size", "1024")
                .set("ring.max.batch", "64")
                .set("writer.flush.interval.ms", "20")
                .set("writer.ring.bytes", "65536");
    }
}
