package io.tickengine.core.store.sqlite;

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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The embedded default store: one SQLite file in WAL mode, the schema of {@code db/init/sqlite}. One connection
 * writes (the writer thread), one reads (any thread, serialised); WAL lets them run side by side.
 */
public final class SqliteCandleStore implements CandleStore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SqliteCandleStore.class);
    private static final String UPSERT_SQL = "INSERT INTO market_data (symbol, timeframe, open_time, open, high,"
            + " low, close, tick_volume, real_volume, spread, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (symbol, timeframe, open_time) DO UPDATE SET open = excluded.open, high = excluded.high,"
            + " low = excluded.low, close = excluded.close, tick_volume = excluded.tick_volume,"
            + " real_volume = excluded.real_volume, spread = excluded.spread, updated_at = excluded.updated_at";
    private static final String SYMBOL_STATE_SQL = "INSERT INTO engine_symbol_state (symbol, replay_from_index,"
            + " replay_watermark_msc, watermark_msc, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (symbol) DO UPDATE"
            + " SET replay_from_index = excluded.replay_from_index, replay_watermark_msc = excluded.replay_watermark_msc,"
            + " watermark_msc = excluded.watermark_msc, updated_at = excluded.updated_at";
    /** A mark never goes back, and the window is kept with the mark it belongs to. */
    private static final String SOURCE_SQL = "INSERT INTO engine_source_seq (source, last_seq, window_bits, updated_at)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq),"
            + " window_bits = CASE WHEN excluded.last_seq >= last_seq THEN excluded.window_bits ELSE window_bits END,"
            + " updated_at = excluded.updated_at";

    private static final String CHECKPOINT_SQL = "INSERT INTO engine_checkpoint (id, journal_id, journal_index,"
            + " updated_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET journal_id = excluded.journal_id,"
            + " journal_index = excluded.journal_index, updated_at = excluded.updated_at";
    private static final String CANDLES_SQL = "SELECT symbol, timeframe, open_time, open, high, low, close,"
            + " tick_volume, real_volume, spread FROM market_data WHERE symbol = ? AND timeframe = ?"
            + " AND open_time >= ? AND open_time <= ? ORDER BY open_time LIMIT ?";

    private final Path file;
    private final Connection writer;
    private final Connection reader;
    private final PreparedStatement upsert;
    private final PreparedStatement symbolState;
    private final PreparedStatement source;
    private final PreparedStatement checkpoint;
    private final SqliteWriteLock writeLock;
    /** Of the last write by any thread (the candle writer, a bar rebuild); read by the candle writer after its own. */
    private volatile long lastWriteWaitNs;

    /** Opens (or creates) the database file and brings its schema up to date. */
    public SqliteCandleStore(final Database database) throws StoreException {
        this.file = database.sqliteFile();
        this.writeLock = database.sqliteWriteLock();
        try {
            writer = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = writer.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                // NORMAL in WAL mode survives a crash of this process; the journal replay covers a power loss.
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=5000");
            }
            SchemaMigrator.migrate(database);
            writer.setAutoCommit(false);
            upsert = writer.prepareStatement(UPSERT_SQL);
            symbolState = writer.prepareStatement(SYMBOL_STATE_SQL);
            source = writer.prepareStatement(SOURCE_SQL);
            checkpoint = writer.prepareStatement(CHECKPOINT_SQL);
            reader = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = reader.createStatement()) {
                s.execute("PRAGMA busy_timeout=5000");
            }
        } catch (final Exception e) {
            throw new StoreException("cannot open SQLite store [file=" + file + ", cause=" + e.getMessage() + "]", e);
        }
    }

    @Override
    public void initSchema() {
        // Applied when the file is opened.
    }

    @Override
    public synchronized RecoveryState loadRecoveryState() throws StoreException {
        try {
            return JdbcAccess.readRecoveryState(reader);
        } catch (final SQLException e) {
            throw new StoreException("cannot read the checkpoint [file=" + file + ", cause=" + e.getMessage() + "]", e);
        }
    }

    @Override
    public synchronized int write(final StoreBatch batch) throws StoreException {
        lastWriteWaitNs = writeLock.lock();
        try {
            return writeLocked(batch);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long lastWriteWaitNs() {
        return lastWriteWaitNs;
    }

    private int writeLocked(final StoreBatch batch) throws StoreException {
        final long nowMsc = System.currentTimeMillis();
        try {
            try {
                for (int i = 0, n = batch.candleCount(); i < n; i++) {
                    final CandleFlyweight bar = batch.candle(i);
                    bindBar(
                            upsert,
                            batch.symbols().name(bar.symbolId()),
                            Timeframe.of(bar.timeframe()).name(),
                            bar);
                    upsert.setLong(11, nowMsc);
                    upsert.addBatch();
                }
                if (batch.candleCount() > 0) {
                    upsert.executeBatch();
                }
                writeState(batch, nowMsc);
                writer.commit();
                return 0;
            } catch (final SQLException e) {
                rollback();
                if (!RejectedBars.isPermanent(e)) {
                    throw e;
                }
                LOG.warn(
                        "batch refused for its data; writing it bar by bar to set the refused bars aside [file={},"
                                + " bars={}, cause={}]",
                        file,
                        batch.candleCount(),
                        e.getMessage());
            }
            try {
                // The same transaction shape, bar by bar: bars refused for their data are set aside.
                final int rejected = RejectedBars.upsertBarByBar(
                        writer,
                        batch,
                        upsert,
                        (ps, symbol, timeframe, bar) -> {
                            bindBar(ps, symbol, timeframe, bar);
                            ps.setLong(11, nowMsc);
                        },
                        nowMsc);
                writeState(batch, nowMsc);
                writer.commit();
                return rejected;
            } catch (final SQLException e) {
                rollback();
                throw e;
            }
        } catch (final SQLException e) {
            throw new StoreException(
                    "store write failed [file=" + file + ", bars=" + batch.candleCount() + ", cause=" + e.getMessage()
                            + "]",
                    e.getMessage(),
                    e);
        }
    }

    private static void bindBar(
            final PreparedStatement ps, final String symbol, final String timeframe, final CandleFlyweight bar)
            throws SQLException {
        ps.setString(1, symbol);
        ps.setString(2, timeframe);
        ps.setLong(3, bar.openTimeMsc());
        BarRowBinder.bindValues(ps, 4, bar);
    }

    /** Resume points, source seqs, checkpoint and rebuild requests, in the writer's open transaction. */
    private void writeState(final StoreBatch batch, final long nowMsc) throws SQLException {
        for (int i = 0, n = batch.symbolStateCount(); i < n; i++) {
            symbolState.setString(1, batch.symbolStateName(i));
            symbolState.setLong(2, batch.symbolReplayFrom(i));
            symbolState.setLong(3, batch.symbolReplayWatermark(i));
            symbolState.setLong(4, batch.symbolWatermark(i));
            symbolState.setLong(5, nowMsc);
            symbolState.addBatch();
        }
        if (batch.symbolStateCount() > 0) {
            // One call for the lot: a checkpoint after a sweep carries every symbol.
            symbolState.executeBatch();
        }
        for (int i = 0, n = batch.sourceCount(); i < n; i++) {
            source.setString(1, batch.sourceName(i));
            source.setLong(2, batch.sourceSeq(i));
            source.setBytes(3, batch.sourceWindow(i));
            source.setLong(4, nowMsc);
            source.executeUpdate();
        }
        if (batch.hasCheckpoint()) {
            checkpoint.setString(1, batch.journalId());
            checkpoint.setLong(2, batch.journalIndex());
            checkpoint.setLong(3, nowMsc);
            checkpoint.executeUpdate();
        }
        JdbcAccess.writeRebuilds(writer, batch, nowMsc);
    }

    private void rollback() {
        try {
            upsert.clearBatch();
            symbolState.clearBatch();
            writer.rollback();
        } catch (final SQLException ignored) {
            // Reported through the original failure.
        }
    }

    @Override
    public synchronized List<CandleRow> candles(
            final String symbol, final Timeframe timeframe, final long fromMsc, final long toMsc, final int limit)
            throws StoreException {
        try (PreparedStatement ps = reader.prepareStatement(CANDLES_SQL)) {
            ps.setString(1, symbol);
            ps.setString(2, timeframe.name());
            ps.setLong(3, fromMsc);
            ps.setLong(4, toMsc);
            ps.setInt(5, limit);
            try (ResultSet rs = ps.executeQuery()) {
                return JdbcAccess.readCandles(rs);
            }
        } catch (final SQLException e) {
            throw new StoreException("candle query failed [file=" + file + ", cause=" + e.getMessage() + "]", e);
        }
    }

    @Override
    public synchronized List<RebuildRequest> rebuildRequests(final long throughJournalIndex, final int limit)
            throws StoreException {
        try {
            return JdbcAccess.readRebuildRequests(reader, throughJournalIndex, limit);
        } catch (final SQLException e) {
            throw new StoreException(
                    "cannot read rebuild requests [file=" + file + ", cause=" + e.getMessage() + "]", e);
        }
    }

    @Override
    public synchronized long pendingRebuilds() throws StoreException {
        try {
            return JdbcAccess.countRebuildRequests(reader);
        } catch (final SQLException e) {
            throw new StoreException(
                    "cannot count rebuild requests [file=" + file + ", cause=" + e.getMessage() + "]", e);
        }
    }

    @Override
    public String describe() {
        return "sqlite " + file;
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
            reader.close();
        } catch (final SQLException ignored) {
            // Closing; nothing left to protect.
        }
    }
}
