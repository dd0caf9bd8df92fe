package io.tickengine.core.query;

import io.tickengine.core.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only queries over a fixed list of tables and views ({@code GET /query/{view}}). The SQL of each view is
 * written here; a request only chooses a view by name and binds parameters, so nothing it sends becomes SQL. Runs
 * as the read-only role when one is configured, else in a read-only transaction, with a statement timeout.
 */
public final class ViewQuery {
    /** Most rows one query returns. */
    public static final int MAX_ROWS = 10_000;

    /**
     * A queryable view: its time column, how a symbol filters it, its full ordering (time first, then a key, so
     * paging by time never skips rows that share a time), and whether it has a timeframe column.
     */
    private record View(String table, String timeColumn, String symbolFilter, String orderBy, boolean hasTimeframe) {}

    private static final Map<String, View> VIEWS = Map.of(
            "market_data", new View("market_data", "open_time", "symbol = ?", "open_time, symbol, timeframe", true),
            "features_m1", new View("features_m1", "open_time", "symbol = ?", "open_time, symbol", false),
            "labels_m1", new View("labels_m1", "open_time", "symbol = ?", "open_time, symbol", false),
            "trainset_m1", new View("trainset_m1", "open_time", "symbol = ?", "open_time, symbol", false),
            "signals", new View("signals", "created_at", "symbol = ?", "created_at, signal_id", false),
            "signals_ack",
                    new View(
                            "signals_ack",
                            "acked_at",
                            "signal_id IN (SELECT signal_id FROM signals WHERE symbol = ?)",
                            "acked_at, signal_id",
                            false));

    private final Database database;
    private final boolean dedicatedReader;
    private final long statementTimeoutMs;

    /**
     * @param database where to query: the read-only role's pool when {@code dedicatedReader}, else the engine's.
     */
    public ViewQuery(final Database database, final boolean dedicatedReader, final long statementTimeoutMs) {
        this.database = database;
        this.dedicatedReader = dedicatedReader;
        this.statementTimeoutMs = statementTimeoutMs;
    }

    /** @return true if {@code view} has a timeframe column to filter on. */
    public static boolean hasTimeframe(final String view) {
        final View v = VIEWS.get(view);
        return v != null && v.hasTimeframe();
    }

    /** @return true if {@code view} may be queried. */
    public static boolean isView(final String view) {
        return VIEWS.containsKey(view);
    }

    /**
     * @param symbol filter, or {@code null}.
     * @param fromMsc inclusive lower bound of the view's time column (UTC epoch ms).
     * @param toMsc inclusive upper bound.
     * @return rows in time order, column name to value (numbers, strings, times as epoch ms, nulls).
     */
    public List<Map<String, Object>> query(
            final String view, final String symbol, final long fromMsc, final long toMsc, final int limit)
            throws SQLException {
        return query(view, symbol, null, fromMsc, toMsc, limit);
    }

    /**
     * As {@link #query(String, String, long, long, int)}, with a timeframe filter for views that have one
     * ({@link #hasTimeframe}).
     *
     * @param timeframe e.g. {@code M1}, or {@code null}.
     */
    public List<Map<String, Object>> query(
            final String view,
            final String symbol,
            final String timeframe,
            final long fromMsc,
            final long toMsc,
            final int limit)
            throws SQLException {
        final View v = VIEWS.get(view);
        if (v == null) {
            throw new IllegalArgumentException("not a queryable view [view=" + view + "]");
        }
        if (timeframe != null && !v.hasTimeframe()) {
            throw new IllegalArgumentException("the view has no timeframe [view=" + view + "]");
        }
        final boolean postgres = database.dialect() == Database.Dialect.POSTGRESQL;
        final String sql = "SELECT * FROM " + v.table() + " WHERE " + v.timeColumn() + " >= ? AND " + v.timeColumn()
                + " <= ?" + (symbol == null ? "" : " AND " + v.symbolFilter())
                + (timeframe == null ? "" : " AND timeframe = ?") + " ORDER BY " + v.orderBy() + " LIMIT ?";
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                if (postgres) {
                    // Belt and braces: the reader role is read-only by default too.
                    s.execute("SET TRANSACTION READ ONLY");
                    s.execute("SET LOCAL statement_timeout = " + statementTimeoutMs);
                } else {
                    s.execute("PRAGMA query_only = ON");
                }
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setQueryTimeout((int) Math.max(1, statementTimeoutMs / 1000));
                if (postgres) {
                    ps.setTimestamp(1, new Timestamp(Math.max(0, fromMsc)));
                    ps.setTimestamp(2, new Timestamp(Math.min(253_402_300_799_999L, toMsc)));
                } else {
                    ps.setLong(1, fromMsc);
                    ps.setLong(2, toMsc);
                }
                int i = 3;
                if (symbol != null) {
                    ps.setString(i++, symbol);
                }
                if (timeframe != null) {
                    ps.setString(i++, timeframe);
                }
                ps.setInt(i, Math.min(limit, MAX_ROWS));
                try (ResultSet rs = ps.executeQuery()) {
                    return rows(rs);
                }
            } finally {
                c.rollback();
                if (!postgres) {
                    try (Statement s = c.createStatement()) {
                        s.execute("PRAGMA query_only = OFF");
                    }
                }
            }
        }
    }

    /** @return whether queries run as a dedicated read-only role. */
    public boolean isDedicatedReader() {
        return dedicatedReader;
    }

    private static List<Map<String, Object>> rows(final ResultSet rs) throws SQLException {
        final ResultSetMetaData meta = rs.getMetaData();
        final int columns = meta.getColumnCount();
        final List<Map<String, Object>> rows = new ArrayList<>();
        while (rs.next()) {
            final Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= columns; i++) {
                final Object value;
                switch (meta.getColumnType(i)) {
                    case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                        final Timestamp t = rs.getTimestamp(i);
                        value = t == null ? null : t.getTime();
                    }
                    case Types.OTHER -> value = rs.getString(i); // jsonb
                    default -> value = rs.getObject(i);
                }
                row.put(meta.getColumnLabel(i), value);
            }
            rows.add(row);
        }
        return rows;
    }
}
