package io.tickengine.core.tick;

/**
 * The validation rules of the wire contract, shared by the engine's HTTP front and the edge agent.
 *
 * <p>Each check returns the first offending {@link TickField}, or {@code null} when the tick is valid; it allocates
 * nothing and throws nothing. Symbol and source syntax are checked when they are interned ({@link NameTable}).
 */
public final class TickValidator {
    /** 2000-01-01T00:00:00Z: nothing older is a plausible MT5 tick. */
    public static final long MIN_TIME_MSC = 946_684_800_000L;
    /** How far ahead of the engine's clock a tick may be stamped. */
    public static final long MAX_AHEAD_MSC = 86_400_000L;

    private TickValidator() {}

    /**
     * Checks the numeric fields of one tick.
     *
     * @param nowMsc the current wall-clock time, for the "not more than a day ahead" rule.
     * @return the first invalid field, or {@code null} if the tick is valid.
     */
    public static TickField check(
            final long timeMsc,
            final double bid,
            final double ask,
            final double last,
            final long volume,
            final double volumeReal,
            final int flags,
            final int sourceId,
            final long seq,
            final long nowMsc) {
        if (timeMsc < MIN_TIME_MSC || timeMsc - nowMsc > MAX_AHEAD_MSC) {
            return TickField.TIME_MSC;
        }
        if (!isPrice(bid)) {
            return TickField.BID;
        }
        if (!isPrice(ask)) {
            return TickField.ASK;
        }
        if (!isPrice(last)) {
            return TickField.LAST;
        }
        if (!(bid > 0 || ask > 0 || last > 0)) {
            return TickField.TICK;
        }
        if (volume < 0) {
            return TickField.VOLUME;
        }
        if (!isPrice(volumeReal)) {
            return TickField.VOLUME_REAL;
        }
        if ((flags & ~TickFlags.ALL) != 0) {
            return TickField.FLAGS;
        }
        if (seq < 0 || (seq != TickBuffer.NO_SEQ && sourceId == TickBuffer.NO_SOURCE)) {
            return TickField.SEQ;
        }
        return null;
    }

    /** Checks tick {@code i} of a buffer; see {@link #check(long, double, double, double, long, double, int, int, long, long)}. */
    public static TickField check(final TickBuffer ticks, final int i, final long nowMsc) {
        return check(
                ticks.timeMsc(i),
                ticks.bid(i),
                ticks.ask(i),
                ticks.last(i),
                ticks.volume(i),
                ticks.volumeReal(i),
                ticks.flags(i),
                ticks.sourceId(i),
                ticks.seq(i),
                nowMsc);
    }

    private static boolean isPrice(final double value) {
        // Also false for NaN: every comparison with NaN is false.
        return value >= 0 && value < Double.POSITIVE_INFINITY;
    }
}
