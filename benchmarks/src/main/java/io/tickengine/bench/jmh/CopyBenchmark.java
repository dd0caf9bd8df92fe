package io.tickengine.bench.jmh;

import static io.tickengine.core.candle.CandleDescriptor.*;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.store.BenchStoreBatches;
import io.tickengine.core.store.Database;
import io.tickengine.core.store.StoreBatch;
import io.tickengine.core.store.StoreException;
import io.tickengine.core.store.postgres.BinaryCopyEncoder;
import io.tickengine.core.store.postgres.PostgresCandleStore;
import io.tickengine.core.tick.NameTable;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Candle COPY, per batch of 5,000 bars (the writer's default batch) into a throwaway PostgreSQL started from the
 * local server binaries (as the tests do), or {@code -Dbench.pg.url=jdbc:postgresql://...} ({@code bench.pg.user},
 * {@code bench.pg.password}):
 *
 * <ul>
 *   <li>{@link #encode}: {@link BinaryCopyEncoder} alone, no database;
 *   <li>{@link #engineCopy}: the store's COPY step: encode from the off-heap batch, {@code COPY candle_stage FROM
 *       STDIN (FORMAT binary)}, commit;
 *   <li>{@link #rawPgjdbcCopy}: the same rows from plain Java arrays, encoded the textbook way
 *       ({@link DataOutputStream}), the same COPY and commit: target, engine at least 0.9x this;
 *   <li>{@link #engineStoreWrite}: the store's whole transaction (COPY, upsert into {@code market_data}, resume
 *       points, checkpoint), for reference.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CopyBenchmark {
    static final int BARS = 5_000;
    private static final String COPY_SQL =
            "COPY candle_stage (" + BinaryCopyEncoder.COLUMNS + ") FROM STDIN (FORMAT binary)";
    private static final long PG_EPOCH_MSC = 946_684_800_000L;

    private BenchPostgres postgres;
    private Database database;
    private PostgresCandleStore store;
    private final NameTable symbols = new NameTable(1024);
    private final NameTable sources = new NameTable(16);
    private StoreBatch batch;
    private final BinaryCopyEncoder encoder = new BinaryCopyEncoder();
    private long checkpoint;

    // The same rows, as an application without the engine's off-heap batch would hold them.
    private final String[] rawSymbol = new String[BARS];
    private final String[] rawTimeframe = new String[BARS];
    private final long[] rawOpenTime = new long[BARS];
    private final double[][] rawOhlc = new double[BARS][4];
    private final long[] rawTickVolume = new long[BARS];
    private final double[] rawRealVolume = new double[BARS];
    private final double[] rawSpread = new double[BARS];

    @Setup(Level.Trial)
    public void setUp() throws StoreException {
        postgres = BenchPostgres.open();
        database = postgres.database;
        store = new PostgresCandleStore(database, true);
        store.initSchema();
        batch = BenchStoreBatches.create(symbols, sources);
        final UnsafeBuffer bar = new UnsafeBuffer(ByteBuffer.allocateDirect(STORE_LENGTH));
        final Timeframe[] tfs = RingRig.TIMEFRAMES;
        for (int i = 0; i < BARS; i++) {
            final String name = "SYM" + (i % 50);
            final int symbolId = symbols.intern(name);
            final Timeframe tf = tfs[(i / 50) % tfs.length];
            final long open = TickData.BASE_MSC + (long) (i / 350) * tf.durationMsc();
            final double o = 1.1 + i * 1e-5;
            bar.putLong(OPEN_TIME_OFFSET, open);
            bar.putDouble(OPEN_OFFSET, o);
            bar.putDouble(HIGH_OFFSET, o + 0.0005);
            bar.putDouble(LOW_OFFSET, o - 0.0004);
            bar.putDouble(CLOSE_OFFSET, o + 0.0001);
            bar.putDouble(REAL_VOLUME_OFFSET, 0);
            bar.putDouble(SPREAD_OFFSET, i % 10 == 0 ? Double.NaN : 0.00002);
            bar.putLong(TICK_VOLUME_OFFSET, 100 + i % 37);
            bar.putInt(SYMBOL_ID_OFFSET, symbolId);
            bar.putInt(TIMEFRAME_OFFSET, tf.ordinal());
            BenchStoreBatches.putCandle(batch, bar, 0);
            rawSymbol[i] = name;
            rawTimeframe[i] = tf.name();
            rawOpenTime[i] = open;
            rawOhlc[i] = new double[] {o, o + 0.0005, o - 0.0004, o + 0.0001};
            rawTickVolume[i] = 100 + i % 37;
            rawRealVolume[i] = 0;
            rawSpread[i] = i % 10 == 0 ? Double.NaN : 0.00002;
        }
        if (batch.candleCount() != BARS) {
            throw new IllegalStateException("duplicate bar keys [bars=" + batch.candleCount() + "]");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        postgres.close();
    }

    @Benchmark
    public int encode() {
        return encoder.encode(batch);
    }

    @Benchmark
    public int engineCopy() throws SQLException {
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            final int length = encoder.encode(batch);
            final CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_SQL);
            copy.writeToCopy(encoder.array(), 0, length);
            final long rows = copy.endCopy();
            c.commit();
            return (int) rows;
        }
    }

    @Benchmark
    public int rawPgjdbcCopy() throws SQLException, IOException {
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream(BARS * 128);
            final DataOutputStream out = new DataOutputStream(bytes);
            out.write(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0});
            out.writeInt(0);
            out.writeInt(0);
            for (int i = 0; i < BARS; i++) {
                out.writeShort(10);
                final byte[] symbol = rawSymbol[i].getBytes(StandardCharsets.UTF_8);
                out.writeInt(symbol.length);
                out.write(symbol);
                final byte[] tf = rawTimeframe[i].getBytes(StandardCharsets.UTF_8);
                out.writeInt(tf.length);
                out.write(tf);
                out.writeInt(8);
                out.writeLong((rawOpenTime[i] - PG_EPOCH_MSC) * 1000L);
                for (final double v : rawOhlc[i]) {
                    out.writeInt(8);
                    out.writeDouble(v);
                }
                out.writeInt(8);
                out.writeLong(rawTickVolume[i]);
                out.writeInt(8);
                out.writeDouble(rawRealVolume[i]);
                if (Double.isNaN(rawSpread[i])) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(8);
                    out.writeDouble(rawSpread[i]);
                }
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

    @Benchmark
    public int engineStoreWrite() throws StoreException {
        BenchStoreBatches.putCheckpoint(batch, "bench", ++checkpoint);
        store.write(batch);
        return batch.candleCount();
    }
}
