package io.tickengine.core.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.store.CandleRow;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.JdbcAccess;
import io.tickengine.core.store.RecoveryState;
import io.tickengine.core.store.SchemaScripts;
import io.tickengine.core.store.StoreBatch;
import io.tickengine.core.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * PostgreSQL / TimescaleDB store: each batch is binary-COPYed into a session-local staging table, then upserted
 * into {@code market_data} replacing whole bars, together with the resume points, in one transaction.
 */
public final class PostgresCandleStore implements CandleStore {
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
    private static final String SYMBOL_STATE_SQL = "INSERT INTO engine_symbol_state"
            + " (symbol, replay_from_index, replay_watermark_msc, watermark_msc, updated_at) VALUES (?, ?, ?, ?, now())"
            + " ON CONFLICT (symbol) DO UPDATE SET replay_from_index = EXCLUDED.replay_from_index,"
            + " replay_watermark_msc = EXCLUDED.replay_watermark_msc, watermark_msc = EXCLUDED.watermark_msc,"
            + " updated_at = EXCLUDED.updated_at";
    private static final String SOURCE_SQL = "INSERT INTO engine_source_seq (source, last_seq, updated_at)"
            + " VALUES (?, ?, now()) ON CONFLICT (source) DO UPDATE"
            + " SET last_seq = GREATEST(engine_source_seq.last_seq, EXCLUDED.last_seq), updated_at = EXCLUDED.updated_at";
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

    private final HikariDataSource dataSource;
    private final String description;
    private final BinaryCopyEncoder encoder = new BinaryCopyEncoder();

    /**
     * @param jdbcUrl {@code jdbc:postgresql://host:port/db}, credentials in the URL or in {@code user}/{@code password}.
     * @param connectTimeoutMs how long to wait for a connection before a write fails and is retried.
     */
    public PostgresCandleStore(
            final String jdbcUrl,
            final String user,
            final String password,
            final int poolSize,
            final long connectTimeoutMs) {
        final HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setPoolName("tick-store");
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(Math.max(250, connectTimeoutMs));
        config.setValidationTimeout(Math.max(250, Math.min(connectTimeoutMs, 5000)));
        // Start even if the database is down: the writer retries, the journal keeps everything meanwhile.
        config.setInitializationFailTimeout(-1);
        config.setConnectionInitSql(STAGE_DDL);
        config.addDataSourceProperty("ApplicationName", "tick-engine");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        this.dataSource = new HikariDataSource(config);
        this.description = "postgresql " + redact(jdbcUrl);
    }

    @Override
    public void initSchema() throws StoreException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            for (final String script : SchemaScripts.POSTGRESQL) {
                s.execute(SchemaScripts.read(script));
            }
        } catch (final SQLException e) {
            throw new StoreException(
                    "cannot create the schema [store=" + description + ", cause=" + e.getMessage() + "]", e);
        }
    }

    @Override
    public RecoveryState loadRecoveryState() throws StoreException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return JdbcAccess.readRecoveryState(c);
        } catch (final SQLException e) {
            throw new StoreException(
                    "cannot read the checkpoint [store=" + description + ", cause=" + e.getMessage() + "]", e);
        }
    }

    @Override
    public void write(final StoreBatch batch) throws StoreException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (batch.candleCount() > 0) {
                    final int length = encoder.encode(batch);
                    final CopyIn copy =
                            c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_SQL);
                    try {
                        copy.writeToCopy(encoder.array(), 0, length);
                        copy.endCopy();
                    } finally {
                        if (copy.isActive()) {
                            copy.cancelCopy();
                        }
                    }
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate(UPSERT_SQL);
                    }
                }
                writeState(c, batch);
                c.commit();
            } catch (final SQLException | RuntimeException e) {
                rollbackQuietly(c);
                // COPY runs on the unwrapped PGConnection, so the pool never sees its I/O errors: without this a
                // dead connection would be handed back to every retry.
                dataSource.evictConnection(c);
                throw e;
            }
        } catch (final SQLException e) {
            throw new StoreException(
                    "store write failed [store=" + description + ", bars=" + batch.candleCount() + ", cause="
                            + e.getMessage() + "]",
                    e);
        }
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
        try (Connection c = dataSource.getConnection();
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
            throw new StoreException(
                    "candle query failed [store=" + description + ", cause=" + e.getMessage() + "]", e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    private static void rollbackQuietly(final Connection c) {
        try {
            c.rollback();
        } catch (final SQLException ignored) {
            // The connection is broken; the pool discards it.
        }
    }

    /** Drops a password from a JDBC URL, for logs. */
    static String redact(final String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
