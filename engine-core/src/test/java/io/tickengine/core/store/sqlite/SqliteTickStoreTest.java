package io.tickengine.core.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.journal.JournalRecord;
import io.tickengine.core.journal.TickRecordDescriptor;
import io.tickengine.core.store.Database;
import io.tickengine.core.store.TickBatch;
import io.tickengine.core.store.TickRow;
import io.tickengine.core.store.TickStore;
import io.tickengine.core.tick.NameTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SQLite tick store writes every tick of a batch as it was, in statements of many rows and row by row. */
class SqliteTickStoreTest {
    @TempDir
    Path dir;

    @SuppressWarnings("try") // the candle store is opened for the schema it creates
    @ParameterizedTest(name = "{0} ticks")
    @ValueSource(ints = {1, 49, 50, 51, 123, 1_000})
    void shouldStoreEveryTickOfTheBatchAsItWas(final int count) throws Exception {
        final Database database = Database.sqlite(dir.resolve("ticks.db"));
        final List<TickRow> written = new ArrayList<>();
        try (SqliteCandleStore candles = new SqliteCandleStore(database);
                SqliteTickStore store = new SqliteTickStore(database)) {
            final TickBatch batch = new TickBatch(new NameTable(16), new NameTable(16));
            batch.journalId("journal-1");
            final JournalRecord record = new JournalRecord();
            for (int i = 0; i < count; i++) {
                final TickRow tick = tick(i);
                written.add(tick);
                batch.addTick(record(record, tick), tick.ord());
            }

            store.write(batch);

            assertEquals(written, store.ticks("EURUSD", Long.MIN_VALUE, Long.MAX_VALUE, count + 1));
            assertEquals(new TickStore.Position("journal-1", count - 1), store.position());
        }
    }

    /** Tick {@code i}: every field its own value, every third without a source. */
    private static TickRow tick(final int i) {
        return new TickRow(
                "EURUSD",
                1_700_000_000_000L + i * 7L,
                1.08123 + i * 1e-5,
                1.08131 + i * 1e-5,
                i % 5 == 0 ? 0.0 : 1.0815 + i * 1e-6,
                i % 11,
                i * 0.25,
                i % 3 == 1 ? 2 : 6,
                i % 3 == 0 ? null : "ea-" + (i % 2),
                i % 3 == 0 ? 0 : i + 1,
                i);
    }

    private static JournalRecord record(final JournalRecord r, final TickRow tick) {
        r.kind = TickRecordDescriptor.KIND_TICK;
        r.timeMsc = tick.timeMsc();
        r.bid = tick.bid();
        r.ask = tick.ask();
        r.last = tick.last();
        r.volume = tick.volume();
        r.volumeReal = tick.volumeReal();
        r.flags = tick.flags();
        r.seq = tick.seq();
        r.symbolLength = put(r.symbol, tick.symbol());
        r.sourceLength = tick.source() == null ? 0 : put(r.source, tick.source());
        return r;
    }

    private static int put(final byte[] to, final String name) {
        final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, to, 0, bytes.length);
        return bytes.length;
    }
}
