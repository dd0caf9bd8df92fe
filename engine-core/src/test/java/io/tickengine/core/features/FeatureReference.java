package io.tickengine.core.features;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The features and labels of {@code docs/features.md}, computed in plain Java from one symbol's M1 bars, to check
 * the SQL views against. Written from the definitions, bar by bar, without sharing anything with the SQL: textbook
 * two-pass sample deviation, RSI from average gain and loss, {@code null} where a value is undefined.
 */
final class FeatureReference {
    static final int HORIZON = 5;

    /** One M1 bar of a symbol, in open time order. */
    record Bar(long openTimeMsc, double close) {}

    /** One row of {@code features_m1}; {@code null} where the view has NULL. */
    record Features(
            long openTimeMsc,
            double close,
            Double ret1,
            Double ret5,
            Double ret15,
            Double vol20,
            Double rsi14,
            Double maRatio10,
            Double maRatio30,
            int hourOfDay) {

        boolean complete() {
            return ret1 != null
                    && ret5 != null
                    && ret15 != null
                    && vol20 != null
                    && rsi14 != null
                    && maRatio10 != null
                    && maRatio30 != null;
        }
    }

    /** One row of {@code labels_m1}; {@code null} where the view has NULL. */
    record Label(long openTimeMsc, double close, Double fwdRet5, Integer label) {}

    private FeatureReference() {}

    static List<Features> features(final List<Bar> bars) {
        final List<Features> rows = new ArrayList<>(bars.size());
        for (int t = 0; t < bars.size(); t++) {
            rows.add(new Features(
                    bars.get(t).openTimeMsc(),
                    bars.get(t).close(),
                    logReturn(bars, t, 1),
                    logReturn(bars, t, 5),
                    logReturn(bars, t, 15),
                    volatility(bars, t, 20),
                    rsi(bars, t, 14),
                    movingAverageRatio(bars, t, 10),
                    movingAverageRatio(bars, t, 30),
                    Instant.ofEpochMilli(bars.get(t).openTimeMsc())
                            .atZone(ZoneOffset.UTC)
                            .getHour()));
        }
        return rows;
    }

    static List<Label> labels(final List<Bar> bars) {
        final List<Label> rows = new ArrayList<>(bars.size());
        for (int t = 0; t < bars.size(); t++) {
            final Double forward = t + HORIZON < bars.size()
                    ? Math.log(bars.get(t + HORIZON).close() / bars.get(t).close())
                    : null;
            rows.add(new Label(
                    bars.get(t).openTimeMsc(),
                    bars.get(t).close(),
                    forward,
                    forward == null ? null : (int) Math.signum(forward)));
        }
        return rows;
    }

    /** ln(close_t / close_{t-k}), k bars back. */
    private static Double logReturn(final List<Bar> bars, final int t, final int k) {
        return t >= k ? Math.log(bars.get(t).close() / bars.get(t - k).close()) : null;
    }

    /** Sample standard deviation of the last {@code n} one-bar returns, the return of bar t included. */
    private static Double volatility(final List<Bar> bars, final int t, final int n) {
        if (t - n + 1 < 1) {
            return null; // bar 0 has no return
        }
        final double[] returns = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            returns[i] = logReturn(bars, t - n + 1 + i, 1);
            mean += returns[i];
        }
        mean /= n;
        double squares = 0;
        for (final double r : returns) {
            squares += (r - mean) * (r - mean);
        }
        return Math.sqrt(squares / (n - 1));
    }

    /** Cutler's RSI: simple averages of the gains and losses of the last {@code n} close-to-close changes. */
    private static Double rsi(final List<Bar> bars, final int t, final int n) {
        if (t - n + 1 < 1) {
            return null;
        }
        double gains = 0;
        double losses = 0;
        for (int i = t - n + 1; i <= t; i++) {
            final double change = bars.get(i).close() - bars.get(i - 1).close();
            if (change > 0) {
                gains += change;
            } else {
                losses -= change;
            }
        }
        final double averageGain = gains / n;
        final double averageLoss = losses / n;
        if (averageLoss == 0) {
            return 100.0;
        }
        return 100.0 - 100.0 / (1.0 + averageGain / averageLoss);
    }

    /** close_t over the mean close of the last {@code n} bars, bar t included. */
    private static Double movingAverageRatio(final List<Bar> bars, final int t, final int n) {
        if (t - n + 1 < 0) {
            return null;
        }
        double sum = 0;
        for (int i = t - n + 1; i <= t; i++) {
            sum += bars.get(i).close();
        }
        return bars.get(t).close() / (sum / n);
    }
}
