package io.tickengine.ml.signal;

import io.tickengine.core.signal.Signal;
import io.tickengine.core.signal.SignalStore;
import io.tickengine.ml.MlException;
import io.tickengine.ml.data.Dataset;
import io.tickengine.ml.data.FeatureView;
import io.tickengine.ml.data.MlStore;
import io.tickengine.ml.eval.ThresholdSweep;
import io.tickengine.ml.model.ForestModel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Batch prediction: scores closed M1 bars read from {@code features_m1} and publishes the bars whose probability
 * passes the model's threshold as signals ({@code signals} + {@code signals_queue} through the engine's
 * {@link SignalStore}) and model outputs ({@code model_signals}).
 *
 * <p>Idempotent: a signal's id is derived from model, symbol, timeframe and bar, and {@code model_signals} is unique
 * on the same four, so a second run over the same bars adds nothing. Signals are published first, then their
 * {@code model_signals} rows; a run that dies between the two is completed by the next run.
 */
public final class Predictor {
    /** Length of an M1 bar. */
    public static final long BAR_MSC = 60_000;

    /**
     * Options of a prediction run.
     *
     * @param size lots per signal.
     * @param validMs how long after the bar's close a signal may still be delivered.
     * @param nowMsc the current time; bars that have not closed by then are not scored.
     */
    public record Options(double size, long validMs, long nowMsc) {}

    /** What a run did. */
    public record Result(int scored, int signals, int added) {}

    /** One scored bar. */
    public record Scored(long timeMsc, float pDown, float pFlat, float pUp, int side) {
        /** @return {@code buy}, {@code sell} or {@code none}. */
        public String sideName() {
            return side > 0 ? "buy" : side < 0 ? "sell" : "none";
        }
    }

    private Predictor() {}

    /** Scores the closed bars with open time in {@code [fromMsc, toMsc]} and publishes their signals. */
    public static Result predictRange(
            final MlStore store,
            final ForestModel model,
            final String symbol,
            final long fromMsc,
            final long toMsc,
            final Options options)
            throws SQLException {
        final Dataset rows;
        try (Connection c = store.connect()) {
            rows = FeatureView.features(
                    c,
                    symbol,
                    fromMsc,
                    Math.min(toMsc, options.nowMsc() - BAR_MSC),
                    model.card().features());
        }
        return publish(store, model, symbol, score(model, rows), options);
    }

    /**
     * Scores the latest closed bar and publishes its signal, if any.
     *
     * @throws MlException.TooFewBars when that bar lacks a feature (a short history).
     */
    public static Result predictLatest(
            final MlStore store, final ForestModel model, final String symbol, final Options options)
            throws SQLException {
        final Scored scored;
        try (Connection c = store.connect()) {
            scored = latest(c, model, symbol, options.nowMsc());
        }
        return publish(store, model, symbol, List.of(scored), options);
    }

    /**
     * Scores the latest bar of {@code symbol} that closed by {@code nowMsc}: the scorer of {@code predict --latest}
     * and {@code /predict}.
     *
     * @throws MlException.NoCandles when the symbol has no closed M1 bar.
     * @throws MlException.TooFewBars when that bar lacks a feature.
     */
    public static Scored latest(final Connection c, final ForestModel model, final String symbol, final long nowMsc)
            throws SQLException {
        final List<String> features = model.card().features();
        final List<String> available = FeatureView.featureColumns(c);
        if (!available.containsAll(features)) {
            model.requireFeatures(available);
        }
        final String sql = "SELECT open_time_msc, " + String.join(", ", features)
                + " FROM features_m1 WHERE symbol = ? AND open_time_msc <= ? ORDER BY open_time DESC LIMIT 1";
        final double[] values = new double[features.size()];
        final long timeMsc;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, symbol);
            ps.setLong(2, nowMsc - BAR_MSC);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new MlException.NoCandles("no closed M1 bar for the symbol [symbol=" + symbol + "]");
                }
                timeMsc = rs.getLong(1);
                for (int i = 0; i < values.length; i++) {
                    values[i] = rs.getDouble(2 + i);
                    if (rs.wasNull()) {
                        throw new MlException.TooFewBars("too few bars for the features of the latest closed bar"
                                + " [symbol=" + symbol + ", time_msc=" + timeMsc + ", bars="
                                + FeatureView.barCount(c, symbol) + ", missing=" + features.get(i) + "]");
                    }
                }
            }
        }
        final float[] p = model.probabilities(values, 1);
        return new Scored(
                timeMsc,
                p[0],
                p[1],
                p[2],
                ThresholdSweep.side(p, 0, model.card().threshold()));
    }

    /** @return every row scored, side chosen at the model's threshold. */
    public static List<Scored> score(final ForestModel model, final Dataset rows) {
        model.requireFeatures(rows.features());
        final float[] p = model.probabilities(rows.values(), rows.rows());
        final List<Scored> scored = new ArrayList<>(rows.rows());
        for (int r = 0; r < rows.rows(); r++) {
            scored.add(new Scored(
                    rows.timeMsc(r),
                    p[r * 3],
                    p[r * 3 + 1],
                    p[r * 3 + 2],
                    ThresholdSweep.side(p, r, model.card().threshold())));
        }
        return scored;
    }

    private static Result publish(
            final MlStore store,
            final ForestModel model,
            final String symbol,
            final List<Scored> scored,
            final Options options)
            throws SQLException {
        final List<Signal> signals = new ArrayList<>();
        final List<Scored> passing = new ArrayList<>();
        for (final Scored s : scored) {
            if (s.side() == 0) {
                continue;
            }
            passing.add(s);
            signals.add(new Signal(
                    signalId(model.id(), symbol, s.timeMsc()),
                    symbol,
                    s.sideName(),
                    options.size(),
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    s.timeMsc() + BAR_MSC + options.validMs(),
                    model.id(),
                    payload(model.id(), s),
                    options.nowMsc()));
        }
        if (signals.isEmpty()) {
            return new Result(scored.size(), 0, 0);
        }
        final int added = new SignalStore(store.database()).publish(signals);
        recordModelSignals(store, model, symbol, passing, options.nowMsc());
        return new Result(scored.size(), signals.size(), added);
    }

    private static void recordModelSignals(
            final MlStore store,
            final ForestModel model,
            final String symbol,
            final List<Scored> passing,
            final long nowMsc)
            throws SQLException {
        final String sql = "INSERT INTO model_signals (model_id, symbol, timeframe, open_time, score, threshold, side,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (model_id, symbol, timeframe, open_time) DO NOTHING";
        try (Connection c = store.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (final Scored s : passing) {
                    ps.setString(1, model.id());
                    ps.setString(2, symbol);
                    ps.setString(3, FeatureView.TIMEFRAME);
                    store.setTime(ps, 4, s.timeMsc());
                    ps.setDouble(5, s.side() > 0 ? s.pUp() : s.pDown());
                    ps.setDouble(6, model.card().threshold());
                    ps.setString(7, s.sideName());
                    store.setTime(ps, 8, nowMsc);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (final SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** @return the signal id of a model's signal on one bar: {@code ml-<model>-<symbol>-M1-<open time>}. */
    public static String signalId(final String modelId, final String symbol, final long timeMsc) {
        final String safeSymbol = symbol.replaceAll("[^A-Za-z0-9._:-]", "_");
        final String hash = modelId.replace("rf-", "");
        return "ml-" + hash.substring(0, Math.min(10, hash.length())) + "-" + safeSymbol + "-M1-" + timeMsc;
    }

    private static String payload(final String modelId, final Scored s) {
        return String.format(
                Locale.ROOT,
                "{\"model\":\"%s\",\"tf\":\"M1\",\"time_msc\":%d,\"p_down\":%.6f,\"p_flat\":%.6f,\"p_up\":%.6f}",
                modelId,
                s.timeMsc(),
                s.pDown(),
                s.pFlat(),
                s.pUp());
    }
}
