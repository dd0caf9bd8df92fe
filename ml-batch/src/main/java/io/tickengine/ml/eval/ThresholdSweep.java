package io.tickengine.ml.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns probabilities into signals at a range of thresholds: a bar is a buy when p(up) is the larger of p(up) and
 * p(down) and reaches the threshold, a sell likewise. For each threshold: coverage (share of bars with a signal),
 * precision (share of signals whose label has their side) and the average forward return of the signals, signed by
 * side (a sell earns the negative return).
 */
public final class ThresholdSweep {
    /** One threshold's outcome. */
    public record Point(double threshold, int signals, double coverage, double precision, double avgForwardReturn) {
        Map<String, Object> toMap() {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("threshold", threshold);
            m.put("signals", signals);
            m.put("coverage", coverage);
            m.put("precision", precision);
            m.put("avg_forward_return", avgForwardReturn);
            return m;
        }
    }

    private ThresholdSweep() {}

    /**
     * @param probabilities row-major p(-1), p(0), p(1) per row.
     * @param labels true labels.
     * @param forwardReturns forward log return per row, NaN when unknown (left out of the average).
     */
    public static List<Point> sweep(final float[] probabilities, final int[] labels, final double[] forwardReturns) {
        final List<Point> points = new ArrayList<>();
        final int n = labels.length;
        for (int step = 0; step <= 30; step++) {
            final double threshold = (34 + 2 * step) / 100.0;
            int signals = 0;
            int hits = 0;
            double returns = 0;
            int withReturn = 0;
            for (int r = 0; r < n; r++) {
                final int side = side(probabilities, r, threshold);
                if (side == 0) {
                    continue;
                }
                signals++;
                if (labels[r] == side) {
                    hits++;
                }
                if (!Double.isNaN(forwardReturns[r])) {
                    returns += side * forwardReturns[r];
                    withReturn++;
                }
            }
            points.add(new Point(
                    threshold,
                    signals,
                    n == 0 ? 0 : (double) signals / n,
                    signals == 0 ? Double.NaN : (double) hits / signals,
                    withReturn == 0 ? Double.NaN : returns / withReturn));
        }
        return points;
    }

    /** @return 1 (buy), -1 (sell) or 0 (no signal) for row {@code r} at {@code threshold}. */
    public static int side(final float[] probabilities, final int r, final double threshold) {
        final float down = probabilities[r * 3];
        final float up = probabilities[r * 3 + 2];
        if (up >= down && up >= threshold) {
            return 1;
        }
        if (down > up && down >= threshold) {
            return -1;
        }
        return 0;
    }

    /**
     * The threshold with the best average signed forward return among those with at least {@code minSignals} signals;
     * 0.5 when none has that many.
     */
    public static double choose(final List<Point> points, final int minSignals) {
        double best = 0.5;
        double bestReturn = Double.NEGATIVE_INFINITY;
        for (final Point p : points) {
            if (p.signals() >= minSignals && !Double.isNaN(p.avgForwardReturn()) && p.avgForwardReturn() > bestReturn) {
                bestReturn = p.avgForwardReturn();
                best = p.threshold();
            }
        }
        return best;
    }

    /** @return the points as JSON-ready maps. */
    public static List<Map<String, Object>> toMaps(final List<Point> points) {
        final List<Map<String, Object>> maps = new ArrayList<>();
        for (final Point p : points) {
            maps.add(p.toMap());
        }
        return maps;
    }
}
