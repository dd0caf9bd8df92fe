package io.tickengine.ml.signal;

import io.tickengine.ml.data.Dataset;
import io.tickengine.ml.data.FeatureView;
import io.tickengine.ml.data.MlStore;
import io.tickengine.ml.model.ForestModel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trades a model's signals over a range of closed bars: at a bar whose signal passes the threshold, enter on its
 * close in the signal's direction and exit {@value FeatureView#LABEL_HORIZON_BARS} bars later (the label's horizon),
 * paying the bar's stored spread (relative to its close) once; one position at a time. Compared with buying at the
 * first bar's close and holding to the last.
 *
 * <p>Returns are log returns. Sharpe ratios are of per-bar returns (a trade's return counted at its exit bar, 0 on
 * the other bars), annualised with the bars of a year of minutes; max drawdown is the largest fall of cumulative log
 * return from a previous peak.
 */
public final class Backtest {
    private static final double BARS_PER_YEAR = 365.25 * 24 * 60;

    /**
     * The outcome.
     *
     * @param timeMsc bar open times.
     * @param equity cumulative log return of the model's trades at each bar.
     * @param buyAndHold cumulative log return of holding at each bar.
     * @param summary the JSON-ready summary.
     */
    public record Result(long[] timeMsc, double[] equity, double[] buyAndHold, Map<String, Object> summary) {}

    private Backtest() {}

    /** Runs the backtest on the bars of {@code symbol} opened in {@code [fromMsc, toMsc]}. */
    public static Result run(
            final MlStore store, final ForestModel model, final String symbol, final long fromMsc, final long toMsc)
            throws SQLException {
        final Dataset rows;
        final Map<Long, double[]> closeAndSpread = new HashMap<>();
        try (Connection c = store.connect()) {
            rows = FeatureView.features(c, symbol, fromMsc, toMsc, model.card().features());
            try (PreparedStatement ps = c.prepareStatement("SELECT f.open_time_msc, f.close, m.spread"
                    + " FROM features_m1 f JOIN market_data m ON m.symbol = f.symbol AND m.timeframe = 'M1'"
                    + " AND m.open_time = f.open_time WHERE f.symbol = ? AND f.open_time_msc >= ?"
                    + " AND f.open_time_msc <= ?")) {
                ps.setString(1, symbol);
                ps.setLong(2, fromMsc);
                ps.setLong(3, toMsc);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        final double spread = rs.getDouble(3);
                        closeAndSpread.put(rs.getLong(1), new double[] {rs.getDouble(2), rs.wasNull() ? 0 : spread});
                    }
                }
            }
        }
        final List<Predictor.Scored> scored = Predictor.score(model, rows);
        final int n = rows.rows();
        final int horizon = FeatureView.LABEL_HORIZON_BARS;
        final double[] perBar = new double[n];
        final double[] holdPerBar = new double[n];
        int trades = 0;
        int wins = 0;
        double costs = 0;
        int next = 0;
        for (int t = 0; t < n; t++) {
            final double close = closeAndSpread.get(rows.timeMsc(t))[0];
            if (t > 0) {
                holdPerBar[t] = Math.log(close / closeAndSpread.get(rows.timeMsc(t - 1))[0]);
            }
            if (t < next || t + horizon >= n || scored.get(t).side() == 0) {
                continue;
            }
            final double exit = closeAndSpread.get(rows.timeMsc(t + horizon))[0];
            final double cost = closeAndSpread.get(rows.timeMsc(t))[1] / close;
            final double ret = scored.get(t).side() * Math.log(exit / close) - cost;
            perBar[t + horizon] += ret;
            costs += cost;
            trades++;
            if (ret > 0) {
                wins++;
            }
            next = t + horizon;
        }
        final double[] equity = cumulative(perBar);
        final double[] hold = cumulative(holdPerBar);
        final Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", model.id());
        summary.put("symbol", symbol);
        summary.put("bars", n);
        summary.put("from_msc", n == 0 ? fromMsc : rows.timeMsc(0));
        summary.put("to_msc", n == 0 ? toMsc : rows.timeMsc(n - 1));
        summary.put("threshold", model.card().threshold());
        summary.put("trades", trades);
        summary.put("win_rate", trades == 0 ? Double.NaN : (double) wins / trades);
        summary.put("total_log_return", n == 0 ? 0 : equity[n - 1]);
        summary.put("costs", costs);
        summary.put("sharpe", sharpe(perBar));
        summary.put("max_drawdown", maxDrawdown(equity));
        final Map<String, Object> buyAndHold = new LinkedHashMap<>();
        buyAndHold.put("total_log_return", n == 0 ? 0 : hold[n - 1]);
        buyAndHold.put("sharpe", sharpe(holdPerBar));
        buyAndHold.put("max_drawdown", maxDrawdown(hold));
        summary.put("buy_and_hold", buyAndHold);
        final long[] times = new long[n];
        for (int t = 0; t < n; t++) {
            times[t] = rows.timeMsc(t);
        }
        return new Result(times, equity, hold, summary);
    }

    private static double[] cumulative(final double[] perBar) {
        final double[] sum = new double[perBar.length];
        double total = 0;
        for (int i = 0; i < perBar.length; i++) {
            total += perBar[i];
            sum[i] = total;
        }
        return sum;
    }

    static double sharpe(final double[] perBar) {
        if (perBar.length < 2) {
            return Double.NaN;
        }
        double mean = 0;
        for (final double r : perBar) {
            mean += r;
        }
        mean /= perBar.length;
        double variance = 0;
        for (final double r : perBar) {
            variance += (r - mean) * (r - mean);
        }
        variance /= perBar.length - 1;
        return variance == 0 ? Double.NaN : mean / Math.sqrt(variance) * Math.sqrt(BARS_PER_YEAR);
    }

    static double maxDrawdown(final double[] equity) {
        double peak = 0;
        double worst = 0;
        for (final double e : equity) {
            peak = Math.max(peak, e);
            worst = Math.max(worst, peak - e);
        }
        return worst;
    }
}
