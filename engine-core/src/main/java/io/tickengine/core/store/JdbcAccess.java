package io.tickengine.core.store;

import io.tickengine.core.candle.BarRanges;
import io.tickengine.core.candle.Timeframe;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** SQL shared by the stores: both keep the same logical schema ({@code db/init}). */
public final class JdbcAccess {
    private JdbcAccess() {}

    public static RecoveryState readRecoveryState(final java.sql.Connection connection) throws SQLException {
        String journalId = null;
        long journalIndex = -1;
        try (PreparedStatement ps = connection.prepareStatement(
                        "SELECT journal_id, journal_index FROM engine_checkpoint WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                journalId = rs.getString(1);
                journalIndex = rs.getLong(2);
            }
        }
        final Map<String, RecoveryState.SymbolState> symbols = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                        "SELECT symbol, replay_from_index, replay_watermark_msc, watermark_msc FROM engine_symbol_state");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                symbols.put(
                        rs.getString(1), new RecoveryState.SymbolState(rs.getLong(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        final Map<String, RecoveryState.SourceState> sources = new HashMap<>();
        try (PreparedStatement ps =
                        connection.prepareStatement("SELECT source, last_seq, window_bits FROM engine_source_seq");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                sources.put(rs.getString(1), new RecoveryState.SourceState(rs.getLong(2), rs.getBytes(3)));
            }
        }
        return new RecoveryState(journalId, journalIndex, Map.copyOf(symbols), Map.copyOf(sources));
    }

    /** Reads rows of {@code symbol, timeframe, open_time_msc, open, high, low, close, tick_volume, real_volume, spread}. */
    public static List<CandleRow> readCandles(final ResultSet rs) throws SQLException {
        final List<CandleRow> rows = new ArrayList<>();
        while (rs.next()) {
            double spread = rs.getDouble(10);
            if (rs.wasNull()) {
                spread = Double.NaN;
            }
            rows.add(new CandleRow(
                    rs.getString(1),
                    Timeframe.parse(rs.getString(2)),
                    rs.getLong(3),
                    rs.getDouble(4),
                    rs.getDouble(5),
                    rs.getDouble(6),
                    rs.getDouble(7),
                    rs.getLong(8),
                    rs.getDouble(9),
                    spread));
        }
        return rows;
    }

    /**
     * Stores the batch's rebuild requests and deletes the requests it completes, in the caller's transaction.
     *
     * @param createdAt the value of {@code created_at}: a {@code java.sql.Timestamp} or epoch milliseconds.
     */
    public static void writeRebuilds(final java.sql.Connection c, final StoreBatch batch, final Object createdAt)
            throws SQLException {
        final BarRanges rebuilds = batch.rebuilds();
        if (rebuilds.size() > 0) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO engine_rebuild (symbol, timeframe, from_msc,"
                    + " to_msc, journal_index, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (int i = 0, n = rebuilds.size(); i < n; i++) {
                    ps.setString(1, batch.symbols().name(rebuilds.symbolId(i)));
                    ps.setString(2, Timeframe.of(rebuilds.timeframe(i)).name());
                    ps.setLong(3, rebuilds.fromMsc(i));
                    ps.setLong(4, rebuilds.toMsc(i));
                    ps.setLong(5, rebuilds.journalIndex(i));
                    ps.setObject(6, createdAt);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!batch.completedRebuilds().isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM engine_rebuild WHERE id = ?")) {
                for (int i = 0, n = batch.completedRebuilds().size(); i < n; i++) {
                    ps.setLong(1, batch.completedRebuilds().getLong(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    /** @return stored rebuild requests whose journal index is at most {@code throughJournalIndex}, oldest first. */
    public static List<RebuildRequest> readRebuildRequests(
            final java.sql.Connection c, final long throughJournalIndex, final int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, symbol, timeframe, from_msc, to_msc, journal_index"
                + " FROM engine_rebuild WHERE journal_index <= ? ORDER BY id LIMIT ?")) {
            ps.setLong(1, throughJournalIndex);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                final List<RebuildRequest> requests = new ArrayList<>();
                while (rs.next()) {
                    requests.add(new RebuildRequest(
                            rs.getLong(1),
                            rs.getString(2),
                            Timeframe.parse(rs.getString(3)),
                            rs.getLong(4),
                            rs.getLong(5),
                            rs.getLong(6)));
                }
                return requests;
            }
        }
    }

    /** @return the number of stored rebuild requests not done yet. */
    public static long countRebuildRequests(final java.sql.Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM engine_rebuild");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Reads rows of {@code symbol, time_msc, bid, ask, last, volume, volume_real, flags, source, seq, ord}. */
    public static List<TickRow> readTicks(final ResultSet rs) throws SQLException {
        final List<TickRow> rows = new ArrayList<>();
        while (rs.next()) {
            rows.add(new TickRow(
                    rs.getString(1),
                    rs.getLong(2),
                    rs.getDouble(3),
                    rs.getDouble(4),
                    rs.getDouble(5),
                    rs.getLong(6),
                    rs.getDouble(7),
                    rs.getInt(8),
                    rs.getString(9),
                    rs.getLong(10),
                    rs.getLong(11)));
        }
        return rows;
    }

    /**
     * Hands rows of {@code symbol, time_msc, bid, ask, last, volume, volume_real, flags, source, seq, ord} to a
     * handler one by one.
     *
     * @return the number of rows.
     */
    public static long forEachTick(final ResultSet rs, final TickStore.TickHandler handler) throws SQLException {
        long count = 0;
        while (rs.next()) {
            handler.onTick(
                    rs.getLong(2),
                    rs.getDouble(3),
                    rs.getDouble(4),
                    rs.getDouble(5),
                    rs.getDouble(7),
                    rs.getLong(10),
                    rs.getLong(11));
            count++;
        }
        return count;
    }
}
