package io.tickengine.kafka.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.journal.JournalRecord;
import io.tickengine.core.journal.TickRecordDescriptor;
import io.tickengine.core.store.Database;
import io.tickengine.core.store.SchemaMigrator;
import io.tickengine.core.store.postgres.PostgresCandleStore;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.SourceSequences;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The group store's transaction against a real PostgreSQL: the offset fence, the recomputed bars, the seq state. */
@ExtendWith(PostgresExtension.class)
class PartitionTransactionTest {
    private static final String TOPIC = "ticks";
    private static final List<Timeframe> TIMEFRAMES =
            List.of(Timeframe.M1, Timeframe.M5, Timeframe.H1, Timeframe.D1, Timeframe.W1);

    private final PgDatabase pg;
    private Database database;

    PartitionTransactionTest(final PgDatabase pg) {
        this.pg = pg;
    }

    @BeforeEach
    void migrate() throws Exception {
        pg.dropEngineTables();
        database =
                Database.postgres(pg.jdbcUrl(), null, null, 2, 2_000, PostgresCandleStore.CONNECTION_INIT_SQL, false);
        SchemaMigrator.migrate(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private PartitionTransaction transaction(final NameTable sources) {
        return new PartitionTransaction(TOPIC, TIMEFRAMES, 0, Set.of(), sources);
    }

    @Test
    void shouldStoreNothingWhenAnotherEngineStoredThePartitionSinceItsOffsetWasRead() throws Exception {
        final NameTable sourcesA = new NameTable(16);
        final NameTable sourcesB = new NameTable(16);
        final PartitionTransaction a = transaction(sourcesA);
        final PartitionTransaction b = transaction(sourcesB);
        final SourceSequences seqsA = new SourceSequences(64);
        final SourceSequences seqsB = new SourceSequences(64);
        final long fromA;
        final long fromB;
        try (Connection c = database.connect()) {
            fromA = a.load(c, 3, seqsA);
            fromB = b.load(c, 3, seqsB);
        }
        assertEquals(-1, fromA);
        // B stores offsets 0..1 first (A lost the partition to B without knowing it yet).
        store(
                b,
                sourcesB,
                seqsB,
                3,
                fromB,
                List.of(tick(1_783_944_000_100L, 1.1, "t", 1), tick(1_783_944_000_200L, 1.2, "t", 2)));
        final StaleOffsetException stale = assertThrows(
                StaleOffsetException.class,
                () -> store(a, sourcesA, seqsA, 3, fromA, List.of(tick(1_783_944_000_100L, 1.1, "t", 1))));
        assertEquals(
                "partition stored by another engine [topic=ticks, partition=3, expected=-1, stored=2]",
                stale.getMessage());
        assertEquals(2, count("SELECT count(*) FROM ticks"));
        assertEquals(2, count("SELECT next_offset FROM kafka_offsets WHERE topic = 'ticks' AND partition = 3"));
    }

    @Test
    void shouldRecomputeEveryTouchedBarFromTheStoredTicksWhateverTheirOrderAndKeepTheSeqState() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks("EURUSD_20260713");
        final NameTable sources = new NameTable(16);
        final PartitionTransaction t = transaction(sources);
        // The second half first, then the first half: every bar of the first half gets ticks "late".
        final int half = ticks.size() / 2;
        final List<JournalRecord> second = records(ticks, half, ticks.size());
        final List<JournalRecord> first = records(ticks, 0, half);
        final SourceSequences seqs = new SourceSequences(64);
        long next;
        try (Connection c = database.connect()) {
            next = t.load(c, 0, seqs);
        }
        next = store(t, sources, seqs, 0, next, second);
        assertEquals(second.size(), next);
        store(t, sources, seqs, 0, next, first);
        final PostgresCandleStore store = new PostgresCandleStore(database, false);
        final List<TickFiles.Candle> m1 = new ArrayList<>();
        for (final var row : Candles.all(store, "EURUSD", Timeframe.M1)) {
            m1.add(new TickFiles.Candle(
                    row.symbol(),
                    "M1",
                    row.openTimeMsc(),
                    row.open(),
                    row.high(),
                    row.low(),
                    row.close(),
                    row.tickVolume()));
        }
        assertEquals(Candles.m1Of(ticks), m1);
        Candles.assertHigherTimeframesMatchM1(store, "EURUSD", TIMEFRAMES, 0);
        // The window (64) covers the last seqs only: the first half was stored below it, after the second.
        final SourceSequences restored = new SourceSequences(64);
        try (Connection c = database.connect()) {
            t.load(c, 0, restored);
        }
        final int source = sources.intern("src");
        assertEquals(ticks.size(), restored.highWaterMark(source));
        assertEquals(SourceSequences.DUPLICATE, restored.check(source, ticks.size() - 3));
        assertEquals(SourceSequences.NEW, restored.check(source, ticks.size() + 1));
        // Below the window the store looks the tick up: stored once, so a resend of seq 1 is known.
        assertEquals(SourceSequences.BELOW_WINDOW, restored.check(source, 1));
        try (Connection c = database.connect()) {
            assertTrue(t.isStored(c, first.get(0)));
            final JournalRecord other = records(ticks, 0, 1).get(0);
            other.seq = ticks.size() + 10;
            assertFalse(t.isStored(c, other));
        }
    }

    /**
     * Stores {@code records} as one batch of {@code partition} read from {@code expected} (their offsets follow it),
     * recording their seqs in {@code seqs} as the group store does.
     *
     * @return the partition's next offset.
     */
    private long store(
            final PartitionTransaction t,
            final NameTable sources,
            final SourceSequences seqs,
            final int partition,
            final long expected,
            final List<JournalRecord> records)
            throws Exception {
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                t.begin();
                t.lockOffset(c, partition, expected);
                long offset = Math.max(0, expected);
                final Set<Integer> touched = new HashSet<>();
                for (final JournalRecord r : records) {
                    final int source = sources.intern(r.source, 0, r.sourceLength);
                    seqs.accept(source, r.seq);
                    touched.add(source);
                    t.addTick(r, offset++);
                }
                t.offset(partition, offset, seqs, touched);
                t.commit(c);
                return offset;
            } catch (final Exception e) {
                c.rollback();
                throw e;
            }
        }
    }

    private long count(final String sql) throws Exception {
        try (Connection c = database.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<JournalRecord> records(final List<TickFiles.Tick> ticks, final int from, final int to) {
        final List<JournalRecord> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            final TickFiles.Tick t = ticks.get(i);
            final JournalRecord r = tick(t.timeMsc(), t.bid(), "src", i + 1);
            r.ask = t.ask();
            r.last = t.last();
            r.volume = t.volume();
            r.flags = t.flags();
            records.add(r);
        }
        return records;
    }

    private static JournalRecord tick(final long timeMsc, final double bid, final String source, final long seq) {
        final JournalRecord r = new JournalRecord();
        r.kind = TickRecordDescriptor.KIND_TICK;
        r.timeMsc = timeMsc;
        r.bid = bid;
        r.ask = bid + 0.0001;
        r.seq = seq;
        final byte[] symbol = "EURUSD".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(symbol, 0, r.symbol, 0, symbol.length);
        r.symbolLength = symbol.length;
        final byte[] src = source.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(src, 0, r.source, 0, src.length);
        r.sourceLength = src.length;
        return r;
    }
}
