package io.tickengine.core.candle;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Bar periods, with MetaTrader 5's names. A bar's open time is the period floor of a tick's {@code time_msc}, in
 * UTC epoch milliseconds; D1, W1 and MN1 bars start at the broker's midnight, {@code sessionOffsetMsc} east of UTC.
 */
public enum Timeframe {
    M1(60_000L),
    M5(300_000L),
    M15(900_000L),
    M30(1_800_000L),
    H1(3_600_000L),
    H4(14_400_000L),
    D1(86_400_000L),
    W1(604_800_000L),
    /** Calendar months: no fixed length, so not aggregated from ticks; accepted from bar imports. */
    MN1(-1L);

    private static final Timeframe[] VALUES = values();
    /** 1970-01-01 was a Thursday; MT5 weeks start on Sunday, three days later. */
    private static final long WEEK_ORIGIN_MSC = 3 * 86_400_000L;

    private final long durationMsc;

    Timeframe(final long durationMsc) {
        this.durationMsc = durationMsc;
    }

    /** @return the bar length in milliseconds; -1 for {@link #MN1}. */
    public long durationMsc() {
        return durationMsc;
    }

    /** @return true if bars of this timeframe can be built from ticks. */
    public boolean isAggregatable() {
        return durationMsc > 0;
    }

    /** @return the timeframe with this ordinal. */
    public static Timeframe of(final int ordinal) {
        return VALUES[ordinal];
    }

    /**
     * @return the timeframe named {@code name} (case-insensitive), or {@code null}.
     */
    public static Timeframe parse(final String name) {
        for (final Timeframe tf : VALUES) {
            if (tf.name().equalsIgnoreCase(name)) {
                return tf;
            }
        }
        return null;
    }

    /**
     * @param timeMsc a tick time, UTC epoch ms.
     * @param sessionOffsetMsc how far east of UTC the broker's day starts (e.g. UTC+2 = 7,200,000).
     * @return the open time of the bar holding {@code timeMsc}.
     */
    public long openTime(final long timeMsc, final long sessionOffsetMsc) {
        switch (this) {
            case D1:
                return Math.floorDiv(timeMsc + sessionOffsetMsc, durationMsc) * durationMsc - sessionOffsetMsc;
            case W1:
                return Math.floorDiv(timeMsc + sessionOffsetMsc - WEEK_ORIGIN_MSC, durationMsc) * durationMsc
                        + WEEK_ORIGIN_MSC
                        - sessionOffsetMsc;
            case MN1:
                final ZonedDateTime local =
                        Instant.ofEpochMilli(timeMsc + sessionOffsetMsc).atZone(ZoneOffset.UTC);
                return local.withDayOfMonth(1)
                                .toLocalDate()
                                .atStartOfDay(ZoneOffset.UTC)
                                .toInstant()
                                .toEpochMilli()
                        - sessionOffsetMsc;
            default:
                return Math.floorDiv(timeMsc, durationMsc) * durationMsc;
        }
    }

    /** @return the end (exclusive) of the bar opened at {@code openTimeMsc}. */
    public long closeTime(final long openTimeMsc, final long sessionOffsetMsc) {
        if (this != MN1) {
            return openTimeMsc + durationMsc;
        }
        return Instant.ofEpochMilli(openTimeMsc + sessionOffsetMsc)
                        .atZone(ZoneOffset.UTC)
                        .plusMonths(1)
                        .toInstant()
                        .toEpochMilli()
                - sessionOffsetMsc;
    }
}
