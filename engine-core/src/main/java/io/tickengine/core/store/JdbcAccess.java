package io.tickengine.core.store;

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
}
