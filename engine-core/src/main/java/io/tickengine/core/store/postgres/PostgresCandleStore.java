package io.tickengine.core.store.postgres;

import io.tickengine.core.candle.CandleFlyweight;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.store.BarRowBinder;
import io.tickengine.core.store.CandleRow;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Database;
import io.tickengine.core.store.JdbcAccess;
import io.tickengine.core.store.RebuildRequest;
import io.tickengine.core.store.RecoveryState;
import io.tickengine.core.store.RejectedBars;
import io.tickengine.core.store.SchemaMigrator;
import io.tickengine.core.store.StoreBatch;
import io.tickengine.core.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * PostgreSQL / TimescaleDB store: each batch is binary-COPYed into a session-local staging table, then upserted
 * into {@code market_data} replacing whole bars, together with the resume points, in one transaction.
 */
public final class PostgresCandleStore implements CandleStore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresCandleStore.class);

    private static final String STAGE_DDL = "CREATE TEMP TABLE IF NOT EXISTS candle_stage ("
            + "symbol text, timeframe text, open_time timestamptz, open float8, high float8, low float8,"
            + " close float8, tick_volume int8, real_volume float8, spread float8) ON COMMIT DELETE ROWS";
    private static final String COPY_SQL =
            "COPY candle_stage (" + BinaryCopyEncoder.COLUMNS + ") FROM STDIN (FORMAT binary)";
    private static final String UPSERT_SQL = "INSERT INTO market_data (" + BinaryCopyEncoder.COLUMNS
            + ", updated_at) SELECT " + BinaryCopyEncoder.COLUMNS + ", now() FROM candle_stage"
            + " ON CONFLICT (symbol, timeframe, open_time) DO UPDATE SET open = EXCLUDED.open,"
            + " high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,"
            + " tick_volume = EXCLUDED.tick_volume, real_volume = EXCLUDED.real_volume,"
            + " spread = EXCLUDED.spread, updated_at = EXCLUDED.updated_at";
    /** One bar, the same upsert: for the bar-by-bar path of a batch the database refused ({@link RejectedBars}). */
    private static final String UPSERT_ONE_SQL = "INSERT INTO market_data (" + BinaryCopyEncoder.COLUMNS
            + ", updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())"
            + UPSERT_SQL.substring(UPSERT_SQL.indexOf(" ON CONFLICT"));

    private static final String SYMBOL_STATE_SQL = "INSERT INTO engine_symbol_state"
            + " (symbol, replay_from_index, replay_watermark_msc, watermark_msc, updated_at) VALUES (?, ?, ?, ?, now())"
            + " ON CONFLICT (symbol) DO UPDATE SET replay_from_index = EXCLUDED.replay_from_index,"
            + " replay_watermark_msc = EXCLUDED.replay_watermark_msc, watermark_msc = EXCLUDED.watermark_msc,"
            + " updated_at = EXCLUDED.updated_at";
    /** A mark never goes back, and the window is kept with the mark it belongs to. */
    private static final String SOURCE_SQL = "INSERT INTO engine_source_seq (source, last_seq, window_bits, updated_at)"
            + " VALUES (?, ?, ?, now()) ON CONFLICT (source) DO UPDATE"
            + " SET last_seq = GREATEST(engine_source_seq.last_seq, EXCLUDED.last_seq),"
            + " window_bits = CASE WHEN EXCLUDED.last_seq >= engine_source_seq.last_seq THEN EXCLUDED.window_bits"
            + " ELSE engine_source_seq.window_bits END, updated_at = EXCLUDED.updated_at";

    private static final String CHECKPOINT_SQL = "INSERT INTO engine_checkpoint (id, journal_id, journal_index,"
            + " updated_at) VALUES (1, ?, ?, now()) ON CONFLICT (id) DO UPDATE SET journal_id = EXCLUDED.journal_id,"
            + " journal_index = EXCLUDED.journal_index, updated_at = EXCLUDED.updated_at";
    private static final String CANDLES_SQL = "SELECT symbol, timeframe,"
            + " (extract(epoch FROM open_time) * 1000)::bigint, open, high, low, close, tick_volume, real_volume,"
            + " spread FROM market_data WHERE symbol = ? AND timeframe = ?"
            + " AND open_time >= to_timestamp(? / 1000.0) AND open_time <= to_timestamp(? / 1000.0)"
            + " ORDER BY open_time LIMIT ?";

    /** 9999-12-31T23:59:59.999Z. */
    private static final long MAX_TIME_MSC = 253_402_300_799_999L;

    /**
     * With TimescaleDB: no limit on the rows one transaction may decompress. Since 2.14 a write into compressed
     * chunks fails past {@code timescaledb.max_tuples_decompressed_per_dml_transaction} (default 100,000), and a
     * replay, an import or a rebuild that upserts candles (or deletes ticks) in old, compressed chunks would fail the
     * same way on every retry. {@code db init} sets the same for {@code mt5_app} (900_roles.sql); this covers a
     * pool connected as any other role.
     */
    static final String TIMESCALE_SESSION_SQL = "DO $$ BEGIN"
            + " IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN"
            + " PERFORM set_config('timescaledb.max_tuples_decompressed_per_dml_transaction', '0', false);"
            + " END IF; END $$";

    /**
     * The pool's connection-init SQL: the session-local staging table COPY writes into, and (TimescaleDB) no
     * decompression limit.
     */
    public static final String CONNECTION_INIT_SQL = STAGE_DDL + ";\n" + TIMESCALE_SESSION_SQL;

    private final Database database;
    private final String description;
    private final BinaryCopyEncoder encoder = new BinaryCopyEncoder();
    private final boolean applyMigrations;

    /**
     * @param database a PostgreSQL pool whose connections run {@link #CONNECTION_INIT_SQL}.
     * @param applyMigrations apply pending {@code db/init} scripts at start; false when the engine runs as a role
     *     without DDL rights and {@code tick-engine db init} is run by the owner.
     */
    public PostgresCandleStore(final Database database, final boolean applyMigrations) {
        this.database = database;
        this.description = database.describe();
        this.applyMigrations = applyMigrations;
    }

    @Override
    public void initSchema() throws StoreException {
        try {
            warnOfPlainTables();
            final java.util.List<String> pending = SchemaMigrator.pending(database);
            if (pending.isEmpty()) {
                return;
            }
            if (!applyMigrations) {
                throw new StoreException("the schema is not up to date and db.schema.init=false: run "
                        + "'tick-engine db init' as a superuser, e.g. postgres [store=" + description + ", pending="
                        + pending + "]");
            }
            SchemaMigrator.migrate(database);
        } catch (final SQLException e) {
            throw database.failure("cannot create the schema", "", e);
        }
    }

    /** TimescaleDB installed after the tables were filled: the conversion is an operator's step, never done here. */
    private void warnOfPlainTables() throws SQLException {
        for (final SchemaMigrator.Conversion conversion : SchemaMigrator.conversions(database)) {
            LOG.warn(
                    "table is not a hypertable although TimescaleDB is installed: run 'tick-engine db init' to convert"
                            + " it [table={}, estimatedRows={}, store={}]",
                    conversion.table(),
                    conversion.estimatedRows(),
                    description);
        }
    }

    @Override
    public RecoveryState loadRecoveryState() throws StoreException {
        try (Connection c = database.connect()) {
            c.setAutoCommit(true);
            return JdbcAccess.readRecoveryState(c);
        } catch (final SQLException e) {
            throw database.failure("cannot read the checkpoint", "", e);
        }
    }

    @Override
    public synchronized int write(final StoreBatch batch) throws StoreException {
        try {
            try {
                writeWhole(batch);
                return 0;
            } catch (final SQLException e) {
                if (!RejectedBars.isPermanent(e)) {
                    throw e;
                }
                LOG.warn(
                        "batch refused for its data; writing it bar by bar to set the refused bars aside [store={},"
                                + " bars={}, cause={}]",
                        description,
                        batch.candleCount(),
                        e.getMessage());
            }
            return writeSettingAside(batch);
        } catch (final SQLException e) {
            throw database.failure("store write failed", ", bars=" + batch.candleCount(), e);
        }
    }

    private void writeWhole(final StoreBatch batch) throws SQLException {
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                if (batch.candleCount() > 0) {
                    encoder.encode(batch);
                    encoder.copyIn(c, COPY_SQL);
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate(UPSERT_SQL);
                    }
                }
                writeState(c, batch);
                JdbcAccess.writeRebuilds(c, batch, new java.sql.Timestamp(System.currentTimeMillis()));
                c.commit();
            } catch (final SQLException | RuntimeException e) {
                database.abandon(c);
                throw e;
            }
        }
    }

    /** The batch again, in one transaction, bar by bar: bars refused for their data are set aside. */
    private int writeSettingAside(final StoreBatch batch) throws SQLException {
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                final int rejected;
                try (PreparedStatement upsert = c.prepareStatement(UPSERT_ONE_SQL)) {
                    rejected = RejectedBars.upsertBarByBar(
                            c,
                            batch,
                            upsert,
                            PostgresCandleStore::bindBar,
                            new java.sql.Timestamp(System.currentTimeMillis()));
                }
                writeState(c, batch);
                JdbcAccess.writeRebuilds(c, batch, new java.sql.Timestamp(System.currentTimeMillis()));
                c.commit();
                return rejected;
            } catch (final SQLException | RuntimeException e) {
                database.abandon(c);
                throw e;
            }
        }
    }

    private static void bindBar(
            final PreparedStatement ps, final String symbol, final String timeframe, final CandleFlyweight bar)
            throws SQLException {
        ps.setString(1, symbol);
        ps.setString(2, timeframe);
        ps.setObject(3, OffsetDateTime.ofInstant(Instant.ofEpochMilli(bar.openTimeMsc()), ZoneOffset.UTC));
        BarRowBinder.bindValues(ps, 4, bar);
    }

    private static void writeState(final Connection c, final StoreBatch batch) throws SQLException {
        if (batch.symbolStateCount() > 0) {
            try (PreparedStatement ps = c.prepareStatement(SYMBOL_STATE_SQL)) {
                for (int i = 0, n = batch.symbolStateCount(); i < n; i++) {
                    ps.setString(1, batch.symbolStateName(i));
                    ps.setLong(2, batch.symbolReplayFrom(i));
                    ps.setLong(3, batch.symbolReplayWatermark(i));
                    ps.setLong(4, batch.symbolWatermark(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (batch.sourceCount() > 0) {
            try (PreparedStatement ps = c.prepareStatement(SOURCE_SQL)) {
                for (int i = 0, n = batch.sourceCount(); i < n; i++) {
                    ps.setString(1, batch.sourceName(i));
                    ps.setLong(2, batch.sourceSeq(i));
                    ps.setBytes(3, batch.sourceWindow(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (batch.hasCheckpoint()) {
            try (PreparedStatement ps = c.prepareStatement(CHECKPOINT_SQL)) {
                ps.setString(1, batch.journalId());
                ps.setLong(2, batch.journalIndex());
                ps.executeUpdate();
            }
        }
    }

    @Override
    public List<CandleRow> candles(
            final String symbol, final Timeframe timeframe, final long fromMsc, final long toMsc, final int limit)
            throws StoreException {
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement(CANDLES_SQL)) {
            c.setAutoCommit(true);
            ps.setString(1, symbol);
            ps.setString(2, timeframe.name());
            // Open-ended ranges (e.g. Long.MAX_VALUE) would overflow timestamptz: clamp to years 1970..9999.
            ps.setLong(3, Math.max(0, fromMsc));
            ps.setLong(4, Math.min(MAX_TIME_MSC, toMsc));
            ps.setInt(5, limit);
            try (ResultSet rs = ps.executeQuery()) {
                return JdbcAccess.readCandles(rs);
            }
        } catch (final SQLException e) {
            throw database.failure("candle query failed", "", e);
        }
    }

    @Override
    public List<RebuildRequest> rebuildRequests(final long throughJournalIndex, final int limit) throws StoreException {
        try (Connection c = database.connect()) {
            c.setAutoCommit(true);
            return JdbcAccess.readRebuildRequests(c, throughJournalIndex, limit);
        } catch (final SQLException e) {
            throw database.failure("cannot read rebuild requests", "", e);
        }
    }

    @Override
    public long pendingRebuilds() throws StoreException {
        try (Connection c = database.connect()) {
            c.setAutoCommit(true);
            return JdbcAccess.countRebuildRequests(c);
        } catch (final SQLException e) {
            throw new StoreException(
                    "cannot count rebuild requests [store=" + description + ", cause=" + e.getMessage() + "]", e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        database.close();
    }
}
