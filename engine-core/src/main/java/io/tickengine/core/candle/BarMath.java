package io.tickengine.core.candle;

import static io.tickengine.core.candle.CandleDescriptor.*;

import org.agrona.MutableDirectBuffer;

/**
 * How a tick changes a bar, in the layout of {@link CandleDescriptor}: the one definition shared by the live
 * {@link CandleAggregator} and the bar rebuilder, so a bar rebuilt from stored ticks equals the bar built live.
 *
 * <p>Open is the price of the first tick by (time, order), close that of the last; high and low the extremes; spread
 * the smallest {@code ask - bid} of ticks that have both; tick volume the number of ticks with a price, real volume
 * the sum of {@code volume_real}. A tick's order breaks ties within a millisecond (its seq, else its journal index).
 */
public final class BarMath {
    private BarMath() {}

    /**
     * @return the price a tick gives a bar: {@code last} for exchange symbols, else {@code bid}; not positive when
     *     the tick has none (such a tick is not counted).
     */
    public static double price(final boolean usesLast, final double bid, final double last) {
        return usesLast ? last : bid;
    }

    /** @return the tick's spread, or NaN when it lacks a bid or an ask. */
    public static double spread(final double bid, final double ask) {
        return bid > 0 && ask > 0 ? ask - bid : Double.NaN;
    }

    /** @return the order that breaks ties between ticks of one millisecond. */
    public static long order(final long seq, final long journalIndex) {
        return seq > 0 ? seq : journalIndex;
    }

    /** Starts a bar at {@code o} from its first tick. Writes the store part and the first/last tick fields. */
    public static void open(
            final MutableDirectBuffer bars,
            final int o,
            final int symbolId,
            final int timeframe,
            final long openTimeMsc,
            final long timeMsc,
            final long order,
            final double price,
            final double spread,
            final double volumeReal) {
        bars.putLong(o + OPEN_TIME_OFFSET, openTimeMsc);
        bars.putInt(o + SYMBOL_ID_OFFSET, symbolId);
        bars.putInt(o + TIMEFRAME_OFFSET, timeframe);
        bars.putDouble(o + OPEN_OFFSET, price);
        bars.putDouble(o + HIGH_OFFSET, price);
        bars.putDouble(o + LOW_OFFSET, price);
        bars.putDouble(o + CLOSE_OFFSET, price);
        bars.putDouble(o + SPREAD_OFFSET, spread);
        bars.putDouble(o + REAL_VOLUME_OFFSET, volumeReal);
        bars.putLong(o + TICK_VOLUME_OFFSET, 1);
        bars.putLong(o + FIRST_TIME_OFFSET, timeMsc);
        bars.putLong(o + FIRST_ORDER_OFFSET, order);
        bars.putLong(o + LAST_TIME_OFFSET, timeMsc);
        bars.putLong(o + LAST_ORDER_OFFSET, order);
    }

    /** Adds one more tick to the bar at {@code o}, whatever its place in time among the bar's ticks. */
    public static void update(
            final MutableDirectBuffer bars,
            final int o,
            final long timeMsc,
            final long order,
            final double price,
            final double spread,
            final double volumeReal) {
        // The last tick first: a tick after it cannot come before the first, so a tick in time order reads and
        // writes the bar's first cache line only (CandleDescriptor).
        if (!takeLast(bars, o, timeMsc, order, price)) {
            takeFirst(bars, o, timeMsc, order, price);
        }
        takeRange(bars, o, price, price, spread);
        addVolumes(bars, o, 1, volumeReal);
    }

    /**
     * Starts a bar at {@code o} from the bar at {@code from} (of a shorter timeframe, within it): takes its prices,
     * its first and last tick and the given volumes, the part of its volumes not yet folded anywhere. Writes the store
     * part and the first/last tick fields, as {@link #open}.
     */
    public static void openFrom(
            final MutableDirectBuffer bars,
            final int o,
            final int from,
            final int timeframe,
            final long openTimeMsc,
            final long tickVolume,
            final double realVolume) {
        bars.putLong(o + OPEN_TIME_OFFSET, openTimeMsc);
        bars.putInt(o + SYMBOL_ID_OFFSET, bars.getInt(from + SYMBOL_ID_OFFSET));
        bars.putInt(o + TIMEFRAME_OFFSET, timeframe);
        bars.putDouble(o + OPEN_OFFSET, bars.getDouble(from + OPEN_OFFSET));
        bars.putDouble(o + HIGH_OFFSET, bars.getDouble(from + HIGH_OFFSET));
        bars.putDouble(o + LOW_OFFSET, bars.getDouble(from + LOW_OFFSET));
        bars.putDouble(o + CLOSE_OFFSET, bars.getDouble(from + CLOSE_OFFSET));
        bars.putDouble(o + SPREAD_OFFSET, bars.getDouble(from + SPREAD_OFFSET));
        bars.putDouble(o + REAL_VOLUME_OFFSET, realVolume);
        bars.putLong(o + TICK_VOLUME_OFFSET, tickVolume);
        bars.putLong(o + FIRST_TIME_OFFSET, bars.getLong(from + FIRST_TIME_OFFSET));
        bars.putLong(o + FIRST_ORDER_OFFSET, bars.getLong(from + FIRST_ORDER_OFFSET));
        bars.putLong(o + LAST_TIME_OFFSET, bars.getLong(from + LAST_TIME_OFFSET));
        bars.putLong(o + LAST_ORDER_OFFSET, bars.getLong(from + LAST_ORDER_OFFSET));
    }

    /**
     * Adds the bar at {@code from} (of a shorter timeframe, within the bar at {@code o}) to the bar at {@code o}:
     * open, close, high, low and spread as if each of its ticks had been added by {@link #update} (they depend only
     * on the set of ticks, so a bar may be added again after more ticks), and the volumes given, the part of its
     * volumes not added before. Its open and first tick only {@code withFirst}: when they may be new to the bar at
     * {@code o} (else the first cache line of that bar is all that is read and written).
     */
    public static void fold(
            final MutableDirectBuffer bars,
            final int o,
            final int from,
            final long tickVolume,
            final double realVolume,
            final boolean withFirst) {
        takeLast(
                bars,
                o,
                bars.getLong(from + LAST_TIME_OFFSET),
                bars.getLong(from + LAST_ORDER_OFFSET),
                bars.getDouble(from + CLOSE_OFFSET));
        if (withFirst) {
            takeFirst(
                    bars,
                    o,
                    bars.getLong(from + FIRST_TIME_OFFSET),
                    bars.getLong(from + FIRST_ORDER_OFFSET),
                    bars.getDouble(from + OPEN_OFFSET));
        }
        takeRange(
                bars,
                o,
                bars.getDouble(from + HIGH_OFFSET),
                bars.getDouble(from + LOW_OFFSET),
                bars.getDouble(from + SPREAD_OFFSET));
        addVolumes(bars, o, tickVolume, realVolume);
    }

    // What a tick, or a shorter bar folded in, does to a bar: the one definition of each rule, for update and fold.

    /** @return true if ({@code timeMsc}, {@code order}) is after the bar's last tick: then its price is the close. */
    private static boolean takeLast(
            final MutableDirectBuffer bars, final int o, final long timeMsc, final long order, final double price) {
        final long lastTime = bars.getLong(o + LAST_TIME_OFFSET);
        if (timeMsc > lastTime || (timeMsc == lastTime && order > bars.getLong(o + LAST_ORDER_OFFSET))) {
            bars.putDouble(o + CLOSE_OFFSET, price);
            bars.putLong(o + LAST_TIME_OFFSET, timeMsc);
            bars.putLong(o + LAST_ORDER_OFFSET, order);
            return true;
        }
        return false;
    }

    /** If ({@code timeMsc}, {@code order}) is before the bar's first tick, its price is the open. */
    private static void takeFirst(
            final MutableDirectBuffer bars, final int o, final long timeMsc, final long order, final double price) {
        final long firstTime = bars.getLong(o + FIRST_TIME_OFFSET);
        if (timeMsc < firstTime || (timeMsc == firstTime && order < bars.getLong(o + FIRST_ORDER_OFFSET))) {
            bars.putDouble(o + OPEN_OFFSET, price);
            bars.putLong(o + FIRST_TIME_OFFSET, timeMsc);
            bars.putLong(o + FIRST_ORDER_OFFSET, order);
        }
    }

    /** Widens the bar's high and low, and narrows its spread (NaN, unknown, gives way to any known spread). */
    private static void takeRange(
            final MutableDirectBuffer bars, final int o, final double high, final double low, final double spread) {
        if (high > bars.getDouble(o + HIGH_OFFSET)) {
            bars.putDouble(o + HIGH_OFFSET, high);
        }
        if (low < bars.getDouble(o + LOW_OFFSET)) {
            bars.putDouble(o + LOW_OFFSET, low);
        }
        final double minSpread = bars.getDouble(o + SPREAD_OFFSET);
        if (spread < minSpread || (Double.isNaN(minSpread) && !Double.isNaN(spread))) {
            bars.putDouble(o + SPREAD_OFFSET, spread);
        }
    }

    private static void addVolumes(
            final MutableDirectBuffer bars, final int o, final long tickVolume, final double realVolume) {
        bars.putDouble(o + REAL_VOLUME_OFFSET, bars.getDouble(o + REAL_VOLUME_OFFSET) + realVolume);
        bars.putLong(o + TICK_VOLUME_OFFSET, bars.getLong(o + TICK_VOLUME_OFFSET) + tickVolume);
    }
}
