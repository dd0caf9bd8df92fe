package io.tickengine.core.store;

import io.tickengine.core.candle.CandleFlyweight;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Binds a bar's values to a single-row statement of {@code market_data}, the same way for every writer of bars: the
 * SQLite and PostgreSQL stores and the Kafka journal's store. Each binds its own key columns (symbol, timeframe, open
 * time in its database's type) before them.
 */
public final class BarRowBinder {
    private BarRowBinder() {}

    /**
     * Binds {@code open, high, low, close, tick_volume, real_volume, spread} (NULL when unknown) from parameter
     * {@code first} on.
     */
    public static void bindValues(final PreparedStatement ps, final int first, final CandleFlyweight bar)
            throws SQLException {
        ps.setDouble(first, bar.open());
        ps.setDouble(first + 1, bar.high());
        ps.setDouble(first + 2, bar.low());
        ps.setDouble(first + 3, bar.close());
        ps.setLong(first + 4, bar.tickVolume());
        ps.setDouble(first + 5, bar.realVolume());
        if (Double.isNaN(bar.spread())) {
            ps.setNull(first + 6, Types.DOUBLE);
        } else {
            ps.setDouble(first + 6, bar.spread());
        }
    }
}
