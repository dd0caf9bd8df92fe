package io.tickengine.core.store.postgres;

import io.tickengine.core.store.Database;
import io.tickengine.core.store.JdbcAccess;
import io.tickengine.core.store.StoreException;
import io.tickengine.core.store.TickBatch;
import io.tickengine.core.store.TickRow;
import io.tickengine.core.store.TickStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The {@code ticks} table on PostgreSQL/TimescaleDB: each batch is binary-COPYed straight into the table, its replace
 * records delete the rows they void, and the journal position commits with them, in one transaction.
 */
public final class PostgresTickStore implements TickStore {
    /** A bound parameter of epoch milliseconds as a timestamptz, exactly (to_timestamp goes through a double). */
    private static final String AT = "('epoch'::timestamptz + ? * interval '1 millisecond')";

    private static final String COPY_SQL =
            "COPY ticks (" + BinaryCopyEncoder.TICK_COLUMNS + ") FROM STDIN (FORMAT binary)";
    private static final String REPLACE_SQL =
            "DELETE FROM ticks WHERE symbol = ? AND tick_time >= " + AT + " AND tick_time <= " + AT + " AND ord < ?";
    private static final String POSITION_SQL = "INSERT INTO engine_tick_store (id, journal_id, journal_index,"
            + " updated_at) VALUES (1, ?, ?, now()) ON CONFLICT (id) DO UPDATE SET journal_id = EXCLUDED.journal_id,"
            + " journal_index = EXCLUDED.journal_index, updated_at = EXCLUDED.updated_at";
    private static final String READ_POSITION_SQL =
            "SELECT journal_id, journal_index FROM engine_tick_store WHERE id = 1";
    private static final String SELECT = "SELECT symbol, (extract(epoch FROM tick_time) * 1000)::bigint, bid, ask,"
            + " last, volume, volume_real, flags, source, seq, ord FROM ticks WHERE symbol = ?";
    private static final String TICKS_SQL =
            SELECT + " AND tick_time >= " + AT + " AND tick_time <= " + AT + " ORDER BY tick_time, ord LIMIT ?";
    private static final String RANGE_SQL =
            SELECT + " AND tick_time >= " + AT + " AND tick_time < " + AT + " ORDER BY tick_time, ord";
    private static final String RETENTION_SQL = "DELETE FROM ticks WHERE tick_time < " + AT;
    /** {@code 009_tick_retention.sql}: drops whole chunks as their owner; absent from a schema older than it. */
    private static final String HAS_CHUNK_DROP_SQL =
            "SELECT to_regprocedure('engine_drop_tick_chunks(timestamptz)') IS NOT NULL";

    private static final String CHUNK_DROP_SQL = "SELECT engine_drop_tick_chunks(" + AT + ")";

    /** 9999-12-31T23:59:59.999Z. */
    private static final long MAX_TIME_MSC = 253_402_300_799_999L;

    private final Database database;
    private final BinaryCopyEncoder encoder = new BinaryCopyEncoder();

    /** @param database the engine's PostgreSQL pool; its schema is created by the candle store. */
    public PostgresTickStore(final Database database) {
        this.database = database;
    }

    @Override
    public Position position() throws StoreException {
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement(READ_POSITION_SQL)) {
            c.setAutoCommit(true);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Position(rs.getString(1), rs.getLong(2)) : Position.NONE;
            }
        } catch (final SQLException e) {
            throw database.failure("cannot read the tick store position", "", e);
        }
    }

    @Override
    public long write(final TickBatch batch) throws StoreException {
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                if (batch.size() > 0) {
                    encoder.encode(batch);
                    encoder.copyIn(c, COPY_SQL);
                }
                long replaced = 0;
                if (batch.replaceCount() > 0) {
                    try (PreparedStatement ps = c.prepareStatement(REPLACE_SQL)) {
                        for (int i = 0, n = batch.replaceCount(); i < n; i++) {
                            ps.setString(1, batch.replaceSymbol(i));
                            ps.setLong(2, batch.replaceFromMsc(i));
                            ps.setLong(3, batch.replaceToMsc(i));
                            ps.setLong(4, batch.replaceBeforeIndex(i));
                            replaced += ps.executeUpdate();
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(POSITION_SQL)) {
                    ps.setString(1, batch.journalId());
                    ps.setLong(2, batch.journalIndex());
                    ps.executeUpdate();
                }
                c.commit();
                return replaced;
            } catch (final SQLException | RuntimeException e) {
                database.abandon(c);
                throw e;
            }
        } catch (final SQLException e) {
            throw database.failure("tick store write failed", ", ticks=" + batch.size(), e);
        }
    }

    @Override
    public List<TickRow> ticks(final String symbol, final long fromMsc, final long toMsc, final int limit)
            throws StoreException {
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement(TICKS_SQL)) {
            c.setAutoCommit(true);
            ps.setString(1, symbol);
            ps.setLong(2, Math.max(0, fromMsc));
            ps.setLong(3, Math.min(MAX_TIME_MSC, toMsc));
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                return JdbcAccess.readTicks(rs);
            }
        } catch (final SQLException e) {
            throw database.failure("tick query failed", "", e);
        }
    }

    @Override
    public long forEachTick(final String symbol, final long fromMsc, final long toMsc, final TickHandler handler)
            throws StoreException {
        try (Connection c = database.connect()) {
            // A cursor, not the whole range in memory: fetch size only works inside a transaction.
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(RANGE_SQL)) {
                ps.setFetchSize(10_000);
                ps.setString(1, symbol);
                ps.setLong(2, Math.max(0, fromMsc));
                ps.setLong(3, Math.min(MAX_TIME_MSC, toMsc));
                try (ResultSet rs = ps.executeQuery()) {
                    return JdbcAccess.forEachTick(rs, handler);
                }
            } finally {
                c.rollback();
            }
        } catch (final SQLException e) {
            throw database.failure("tick query failed", "", e);
        }
    }

    @Override
    public Purged deleteOlderThan(final long timeMsc) throws StoreException {
        final long cutoffMsc = Math.max(0, timeMsc);
        try (Connection c = database.connect()) {
            c.setAutoCommit(true);
            // TimescaleDB: the chunks wholly before the cutoff go as a whole (no decompression of compressed ones), the
            // rest row by row; on plain PostgreSQL the function drops nothing.
            long chunks = 0;
            if (hasChunkDrop(c)) {
                try (PreparedStatement ps = c.prepareStatement(CHUNK_DROP_SQL)) {
                    ps.setLong(1, cutoffMsc);
                    try (ResultSet rs = ps.executeQuery()) {
                        chunks = rs.next() ? rs.getLong(1) : 0;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(RETENTION_SQL)) {
                ps.setLong(1, cutoffMsc);
                return new Purged(ps.executeUpdate(), chunks);
            }
        } catch (final SQLException e) {
            throw database.failure("tick retention failed", "", e);
        }
    }

    private static boolean hasChunkDrop(final Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HAS_CHUNK_DROP_SQL);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    @Override
    public void close() {
        // The pool belongs to the candle store, which closes it.
    }
}
