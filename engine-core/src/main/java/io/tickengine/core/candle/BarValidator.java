package io.tickengine.core.candle;

import io.tickengine.core.tick.TickValidator;

/**
 * The rules for a whole bar given by a client ({@code POST /ingest}) or a file. Returns the wire name of the first
 * offending field, or {@code null} when the bar is valid; allocates nothing.
 */
public final class BarValidator {
    private BarValidator() {}

    /**
     * @param sessionOffsetMsc the engine's D1/W1/MN1 session offset, for the alignment check.
     * @param nowMsc the current time, for the "not more than a day ahead" rule.
     */
    public static String check(
            final Timeframe timeframe,
            final long openTimeMsc,
            final double open,
            final double high,
            final double low,
            final double close,
            final long tickVolume,
            final double realVolume,
            final double spread,
            final long sessionOffsetMsc,
            final long nowMsc) {
        if (openTimeMsc < TickValidator.MIN_TIME_MSC
                || openTimeMsc - nowMsc > TickValidator.MAX_AHEAD_MSC
                || timeframe.openTime(openTimeMsc, sessionOffsetMsc) != openTimeMsc) {
            return "time_msc";
        }
        if (!isPositive(open)) {
            return "open";
        }
        if (!isPositive(high) || high < open || high < close) {
            return "high";
        }
        if (!isPositive(low) || low > open || low > close || low > high) {
            return "low";
        }
        if (!isPositive(close)) {
            return "close";
        }
        if (tickVolume < 0) {
            return "tick_volume";
        }
        if (!(realVolume >= 0 && realVolume < Double.POSITIVE_INFINITY)) {
            return "real_volume";
        }
        if (!Double.isNaN(spread) && !(spread >= 0 && spread < Double.POSITIVE_INFINITY)) {
            return "spread";
        }
        return null;
    }

    private static boolean isPositive(final double value) {
        return value > 0 && value < Double.POSITIVE_INFINITY;
    }
}
