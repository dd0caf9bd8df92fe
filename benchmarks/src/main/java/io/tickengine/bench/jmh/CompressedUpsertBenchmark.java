package io.tickengine.bench.jmh;

import static io.tickengine.core.candle.CandleDescriptor.*;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.store.BenchStoreBatches;
import io.tickengine.core.store.Database;
import io.tickengine.core.store.StoreBatch;
import io.tickengine.core.store.StoreException;
import io.tickengine.core.store.postgres.PostgresCandleStore;
import io.tickengine.core.tick.NameTable;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
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

/**
 * What a full replay (or an import, or a rebuild) does to old candles on TimescaleDB: the candle store's whole
 * transaction ({@link PostgresCandleStore#write}: COPY, upsert, checkpoint) of 5,000-bar batches (the writer's
 * default) over bars that are already stored, in time order, as a replay writes them:
 *
 * <ul>
 *   <li>{@code chunks=uncompressed}: into plain chunks;
 *   <li>{@code chunks=compressed}: every chunk compressed before each iteration, so that every batch decompresses
 *       the segments it touches (no limit: the engine's sessions set
 *       {@code timescaledb.max_tuples_decompressed_per_dml_transaction} to 0). Target: at least 0.5x uncompressed.
 * </ul>
 *
 * Needs TimescaleDB beside the PostgreSQL server binaries (or {@code -Dbench.pg.url} of a server that has it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CompressedUpsertBenchmark {
    static final int BARS = 5_000;
    private static final int SYMBOLS = 20;
    /** Stored bars: 20 symbols of M1 over 12 days (about two 30-day chunks' worth of segments per symbol). */
    private static final int STORED = SYMBOLS * 12 * 1440;

    /** {@code uncompressed} or {@code compressed}. */
    @Param({"uncompressed", "compressed"})
    public String chunks;

    private BenchPostgres postgres;
    private Database database;
    private PostgresCandleStore store;
    private StoreBatch[] batches;
    private int next;
    private long checkpoint;

    @Setup(Level.Trial)
    public void setUp() throws StoreException {
        postgres = BenchPostgres.open();
        database = postgres.database;
        postgres.createTimescaleExtension();
        store = new PostgresCandleStore(database, true);
        store.initSchema();
        // The bars are dated 2002: no policy job may compress or drop chunks behind the benchmark's back.
        postgres.removePolicies("market_data");
        final NameTable symbols = new NameTable(1024);
        final NameTable sources = new NameTable(16);
        batches = new StoreBatch[STORED / BARS];
        final UnsafeBuffer bar = new UnsafeBuffer(ByteBuffer.allocateDirect(STORE_LENGTH));
        // Time order, all symbols of a minute together: what a replay hands the writer.
        for (int b = 0; b < batches.length; b++) {
            batches[b] = BenchStoreBatches.create(symbols, sources);
            for (int j = 0; j < BARS; j++) {
                final int i = b * BARS + j;
                final String name = "SYM" + (i % SYMBOLS);
                final long open = TickData.BASE_MSC + (long) (i / SYMBOLS) * Timeframe.M1.durationMsc();
                final double o = 1.1 + (i % 997) * 1e-5;
                bar.putLong(OPEN_TIME_OFFSET, open);
                bar.putDouble(OPEN_OFFSET, o);
                bar.putDouble(HIGH_OFFSET, o + 0.0005);
                bar.putDouble(LOW_OFFSET, o - 0.0004);
                bar.putDouble(CLOSE_OFFSET, o + 0.0001);
                bar.putDouble(REAL_VOLUME_OFFSET, 0);
                bar.putDouble(SPREAD_OFFSET, 0.00002);
                bar.putLong(TICK_VOLUME_OFFSET, 100 + i % 37);
                bar.putInt(SYMBOL_ID_OFFSET, symbols.intern(name));
                bar.putInt(TIMEFRAME_OFFSET, Timeframe.M1.ordinal());
                BenchStoreBatches.putCandle(batches[b], bar, 0);
            }
            BenchStoreBatches.putCheckpoint(batches[b], "bench", b);
            store.write(batches[b]);
        }
    }

    /** Every chunk compressed again (writes into compressed chunks leave them partly decompressed). */
    @Setup(Level.Iteration)
    public void compress() throws SQLException {
        next = 0;
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            if ("compressed".equals(chunks)) {
                s.execute("SELECT compress_chunk(c, if_not_compressed => true, recompress => true)"
                        + " FROM show_chunks('market_data') c");
            } else {
                s.execute("SELECT decompress_chunk(c, if_compressed => true) FROM show_chunks('market_data') c");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        postgres.close();
    }

    @Benchmark
    public int replayWrite() throws StoreException {
        final StoreBatch batch = batches[next];
        next = (next + 1) % batches.length;
        BenchStoreBatches.putCheckpoint(batch, "bench", ++checkpoint);
        store.write(batch);
        return batch.candleCount();
    }
}
