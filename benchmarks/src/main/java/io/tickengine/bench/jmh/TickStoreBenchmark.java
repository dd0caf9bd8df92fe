package io.tickengine.bench.jmh;

import io.tickengine.core.journal.JournalRecord;
import io.tickengine.core.store.Database;
import io.tickengine.core.store.StoreException;
import io.tickengine.core.store.TickBatch;
import io.tickengine.core.store.postgres.BinaryCopyEncoder;
import io.tickengine.core.store.postgres.PostgresCandleStore;
import io.tickengine.core.store.postgres.PostgresTickStore;
import io.tickengine.core.tick.NameTable;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The tick store's write, per batch of 10,000 ticks into the {@code ticks} table of a throwaway PostgreSQL (as
 * {@link CopyBenchmark}), against the same rows COPYed the textbook way:
 *
 * <ul>
 *   <li>{@link #tickStoreWrite}: {@link PostgresTickStore#write}: encode from the columnar batch, {@code COPY ticks
 *       FROM STDIN (FORMAT binary)}, the journal position, commit;
 *   <li>{@link #rawPgjdbcCopy}: the same rows from plain Java arrays, encoded with {@link DataOutputStream}, the
 *       same COPY and commit: target, the tick store at least 0.8x this.
 * </ul>
 *
 * The table is emptied before each iteration, so both write into a table of the same size. {@code ticksTable}: a
 * plain table, or (TimescaleDB installed beside the server) the {@code ticks} hypertable {@code db/init} makes: the
 * hypertable's {@link #tickStoreWrite} at least 0.8x the plain table's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TickStoreBenchmark {
    static final int TICKS = 10_000;
    private static final String COPY_SQL =
            "COPY ticks (" + BinaryCopyEncoder.TICK_COLUMNS + ") FROM STDIN (FORMAT binary)";
    private static final long PG_EPOCH_MSC = 946_684_800_000L;

    /** {@code plain}, or {@code hypertable} (needs TimescaleDB beside the server binaries). */
    @Param({"plain", "hypertable"})
    public String ticksTable;

    private BenchPostgres postgres;
    private Database database;
    private PostgresCandleStore candles;
    private PostgresTickStore store;
    private TickBatch batch;

    // The same rows, as an application without the engine's columnar batch would hold them.
    private final String[] rawSymbol = new String[TICKS];
    private final long[] rawTimeMsc = new long[TICKS];
    private final double[] rawBid = new double[TICKS];
    private final double[] rawAsk = new double[TICKS];
    private final int[] rawFlags = new int[TICKS];
    private final String[] rawSource = new String[TICKS];
    private final long[] rawSeq = new long[TICKS];
    private final long[] rawOrd = new long[TICKS];

    @Setup(Level.Trial)
    public void setUp() throws StoreException {
        postgres = BenchPostgres.open();
        database = postgres.database;
        if ("hypertable".equals(ticksTable)) {
            postgres.createTimescaleExtension();
        }
        candles = new PostgresCandleStore(database, true);
        candles.initSchema();
        if ("hypertable".equals(ticksTable)) {
            // Live ticks go to the newest chunk, never a compressed one: the ticks here are dated 2002.
            postgres.removePolicies("ticks");
        }
        store = new PostgresTickStore(database);
        batch = new TickBatch(new NameTable(1024), new NameTable(1024));
        batch.journalId("bench");
        final JournalRecord record = new JournalRecord();
        for (int i = 0; i < TICKS; i++) {
            final String symbol = "SYM" + (i % 20);
            final String source = "ea-" + (i % 4);
            record.kind = io.tickengine.core.journal.TickRecordDescriptor.KIND_TICK;
            record.timeMsc = TickData.BASE_MSC + i * 37L;
            record.bid = 1.1 + i * 1e-6;
            record.ask = record.bid + 0.00002;
            record.last = 0;
            record.volume = 0;
            record.volumeReal = 0;
            record.flags = 6;
            record.seq = i + 1;
            record.symbolLength = copy(symbol, record.symbol);
            record.sourceLength = copy(source, record.source);
            batch.addTick(record, 1_000_000L + i);
            rawSymbol[i] = symbol;
            rawTimeMsc[i] = record.timeMsc;
            rawBid[i] = record.bid;
            rawAsk[i] = record.ask;
            rawFlags[i] = record.flags;
            rawSource[i] = source;
            rawSeq[i] = record.seq;
            rawOrd[i] = 1_000_000L + i;
        }
    }

    private static int copy(final String name, final byte[] into) {
        final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, into, 0, bytes.length);
        return bytes.length;
    }

    @Setup(Level.Iteration)
    public void emptyTable() throws SQLException {
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE ticks");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        postgres.close();
    }

    @Benchmark
    public int tickStoreWrite() throws StoreException {
        store.write(batch);
        return batch.size();
    }

    @Benchmark
    public int rawPgjdbcCopy() throws SQLException, IOException {
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream(TICKS * 128);
            final DataOutputStream out = new DataOutputStream(bytes);
            out.write(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0});
            out.writeInt(0);
            out.writeInt(0);
            for (int i = 0; i < TICKS; i++) {
                out.writeShort(11);
                final byte[] symbol = rawSymbol[i].getBytes(StandardCharsets.UTF_8);
                out.writeInt(symbol.length);
                out.write(symbol);
                out.writeInt(8);
                out.writeLong((rawTimeMsc[i] - PG_EPOCH_MSC) * 1000L);
                for (final double v : new double[] {rawBid[i], rawAsk[i], 0.0}) {
                    out.writeInt(8);
                    out.writeDouble(v);
                }
                out.writeInt(8);
                out.writeLong(0);
                out.writeInt(8);
                out.writeDouble(0);
                out.writeInt(4);
                out.writeInt(rawFlags[i]);
                final byte[] source = rawSource[i].getBytes(StandardCharsets.UTF_8);
                out.writeInt(source.length);
                out.write(source);
                out.writeInt(8);
                out.writeLong(rawSeq[i]);
                out.writeInt(8);
                out.writeLong(rawOrd[i]);
            }
            out.writeShort(-1);
            out.flush();
            final CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_SQL);
            final byte[] data = bytes.toByteArray();
            copy.writeToCopy(data, 0, data.length);
            final long rows = copy.endCopy();
            c.commit();
            return (int) rows;
        }
    }
}
