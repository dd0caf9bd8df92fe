package io.tickengine.ml.data;

import io.tickengine.ml.MlException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Features and labels as the store's views define them ({@code features_m1}, {@code labels_m1}, {@code trainset_m1};
 * {@code docs/features.md}). This class computes nothing: {@code prepare}, {@code predict}, {@code backtest} and
 * {@code /predict} all read the views, so there is one definition of every feature and label.
 *
 * <p>The feature columns are those of {@code features_m1} other than its keys, in the view's order; a new column in
 * the view is a new feature without a change here.
 */
public final class FeatureView {
    /** Columns of {@code features_m1} that are not features. */
    public static final Set<String> KEY_COLUMNS = Set.of("symbol", "open_time", "open_time_msc", "close");
    /** The timeframe the views are built on. */
    public static final String TIMEFRAME = "M1";
    /** Bars {@code labels_m1} looks ahead ({@code fwd_ret_5}). */
    public static final int LABEL_HORIZON_BARS = 5;
    /** What a label means, for the model card. */
    public static final String LABEL_DEFINITION =
            "labels_m1.label: sign of fwd_ret_5 = ln(close[t+5] / close[t]), 5 bars ahead: -1, 0 or 1";

    private FeatureView() {}

    /** @return the feature columns of {@code features_m1}, in order. */
    public static List<String> featureColumns(final Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM features_m1 WHERE 1 = 0");
                ResultSet rs = ps.executeQuery()) {
            final ResultSetMetaData meta = rs.getMetaData();
            final List<String> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                final String name = meta.getColumnName(i);
                if (!KEY_COLUMNS.contains(name)) {
                    columns.add(name);
                }
            }
            return columns;
        }
    }

    /** @return how many M1 bars the store holds for {@code symbol}. */
    public static long barCount(final Connection c, final String symbol) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT count(*) FROM market_data WHERE symbol = ? AND timeframe = 'M1'")) {
            ps.setString(1, symbol);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Reads the rows of {@code trainset_m1} for one symbol, bars with open time in {@code [fromMsc, toMsc]}, oldest
     * first: the complete rows of {@code features_m1} that have a label in {@code labels_m1}.
     *
     * <p>The two views are read in time order and merged here rather than through {@code trainset_m1}: SQLite plans
     * that view's join as a nested loop over two materialised subqueries, quadratic in the bars (12.6 s for the 13,681
     * real bars, against 0.13 s for the two views read apart). The rows are the same; a test compares them with
     * {@code trainset_m1} on both stores.
     *
     * @throws MlException when the symbol has no candles.
     */
    public static Dataset trainset(final MlStore store, final String symbol, final long fromMsc, final long toMsc)
            throws SQLException {
        try (Connection c = store.connect()) {
            requireCandles(c, symbol);
            final List<String> features = featureColumns(c);
            final Dataset complete = read(c, "features_m1", symbol, fromMsc, toMsc, features, false);
            final String sql = "SELECT open_time_msc, label FROM labels_m1 WHERE symbol = ? AND open_time_msc >= ?"
                    + " AND open_time_msc <= ? AND label IS NOT NULL ORDER BY open_time";
            final int[] labels = new int[complete.rows()];
            int kept = 0;
            final boolean[] keep = new boolean[complete.rows()];
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, symbol);
                ps.setLong(2, fromMsc);
                ps.setLong(3, toMsc);
                ps.setFetchSize(10_000);
                try (ResultSet rs = ps.executeQuery()) {
                    int row = 0;
                    while (rs.next() && row < complete.rows()) {
                        final long timeMsc = rs.getLong(1);
                        while (row < complete.rows() && complete.timeMsc(row) < timeMsc) {
                            row++;
                        }
                        if (row < complete.rows() && complete.timeMsc(row) == timeMsc) {
                            labels[row] = rs.getInt(2);
                            keep[row] = true;
                            kept++;
                        }
                    }
                }
            }
            final int f = features.size();
            final long[] times = new long[kept];
            final double[] values = new double[kept * f];
            final int[] keptLabels = new int[kept];
            int k = 0;
            for (int r = 0; r < complete.rows(); r++) {
                if (keep[r]) {
                    times[k] = complete.timeMsc(r);
                    System.arraycopy(complete.values(), r * f, values, k * f, f);
                    keptLabels[k] = labels[r];
                    k++;
                }
            }
            final String[] symbols = new String[kept];
            Arrays.fill(symbols, symbol);
            return new Dataset(features, times, symbols, values, keptLabels);
        }
    }

    /**
     * Reads {@code features_m1} rows whose features are all present (no label), for prediction: one symbol, open
     * times in {@code [fromMsc, toMsc]}, oldest first, with the columns the model was trained on.
     *
     * @throws MlException when the symbol has no candles or the view lacks a feature of the model.
     */
    public static Dataset features(
            final Connection c, final String symbol, final long fromMsc, final long toMsc, final List<String> features)
            throws SQLException {
        requireCandles(c, symbol);
        final List<String> available = featureColumns(c);
        for (final String feature : features) {
            if (!available.contains(feature)) {
                throw new MlException("the store's features_m1 has no column the model needs [feature=" + feature
                        + ", view=" + available + "]");
            }
        }
        return read(c, "features_m1", symbol, fromMsc, toMsc, features, false);
    }

    /**
     * @return an identity of the symbol's latest M1 bar opened at or before {@code openedByMsc}: its open time and
     *     when the store last wrote it (one primary-key lookup), or {@code null} when there is none. Features of that
     *     bar stay the same as long as this does.
     */
    public static String latestBarVersion(
            final MlStore store, final Connection c, final String symbol, final long openedByMsc) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT open_time, updated_at FROM market_data"
                + " WHERE symbol = ? AND timeframe = 'M1' AND open_time <= ? ORDER BY open_time DESC LIMIT 1")) {
            ps.setString(1, symbol);
            store.setTime(ps, 2, openedByMsc);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) + "/" + rs.getString(2) : null;
            }
        }
    }

    private static void requireCandles(final Connection c, final String symbol) throws SQLException {
        if (barCount(c, symbol) == 0) {
            throw new MlException.NoCandles("no M1 candles for the symbol [symbol=" + symbol + "]");
        }
    }

    private static Dataset read(
            final Connection c,
            final String view,
            final String symbol,
            final long fromMsc,
            final long toMsc,
            final List<String> features,
            final boolean withLabel)
            throws SQLException {
        final String sql = "SELECT open_time_msc, " + String.join(", ", features) + (withLabel ? ", label" : "")
                + " FROM " + view + " WHERE symbol = ? AND open_time_msc >= ? AND open_time_msc <= ?"
                + notNull(features) + " ORDER BY open_time";
        final int f = features.size();
        long[] times = new long[1024];
        double[] values = new double[1024 * f];
        int[] labels = new int[1024];
        int rows = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, symbol);
            ps.setLong(2, fromMsc);
            ps.setLong(3, toMsc);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rows == times.length) {
                        times = Arrays.copyOf(times, rows * 2);
                        labels = Arrays.copyOf(labels, rows * 2);
                        values = Arrays.copyOf(values, rows * 2 * f);
                    }
                    times[rows] = rs.getLong(1);
                    for (int i = 0; i < f; i++) {
                        values[rows * f + i] = rs.getDouble(2 + i);
                    }
                    labels[rows] = withLabel ? rs.getInt(2 + f) : Dataset.NO_LABEL;
                    rows++;
                }
            }
        }
        final String[] symbols = new String[rows];
        Arrays.fill(symbols, symbol);
        return new Dataset(
                features,
                Arrays.copyOf(times, rows),
                symbols,
                Arrays.copyOf(values, rows * f),
                Arrays.copyOf(labels, rows));
    }

    private static String notNull(final List<String> features) {
        final StringBuilder where = new StringBuilder();
        for (final String feature : features) {
            where.append(" AND ").append(feature).append(" IS NOT NULL");
        }
        return where.toString();
    }
}
