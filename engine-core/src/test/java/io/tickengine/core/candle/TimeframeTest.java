package io.tickengine.core.candle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bar boundaries of every timeframe, with and without a broker session offset, in UTC epoch milliseconds. */
class TimeframeTest {
    private static final long UTC_PLUS_2 = 120 * 60_000L;
    private static final long UTC_MINUS_5 = -300 * 60_000L;

    @ParameterizedTest(name = "{0}: {1} opens at {2}")
    @CsvSource({
        "M1,  2026-07-13T10:17:59.999Z, 2026-07-13T10:17:00Z, 2026-07-13T10:18:00Z",
        "M1,  2026-07-13T10:18:00Z,     2026-07-13T10:18:00Z, 2026-07-13T10:19:00Z",
        "M5,  2026-07-13T10:17:59.999Z, 2026-07-13T10:15:00Z, 2026-07-13T10:20:00Z",
        "M15, 2026-07-13T10:17:59.999Z, 2026-07-13T10:15:00Z, 2026-07-13T10:30:00Z",
        "M30, 2026-07-13T10:47:00Z,     2026-07-13T10:30:00Z, 2026-07-13T11:00:00Z",
        "H1,  2026-07-13T10:59:59.999Z, 2026-07-13T10:00:00Z, 2026-07-13T11:00:00Z",
        "H4,  2026-07-13T11:59:59.999Z, 2026-07-13T08:00:00Z, 2026-07-13T12:00:00Z",
        "H4,  2026-07-13T12:00:00Z,     2026-07-13T12:00:00Z, 2026-07-13T16:00:00Z",
        "D1,  2026-07-13T23:59:59.999Z, 2026-07-13T00:00:00Z, 2026-07-14T00:00:00Z",
        // 2026-07-13 is a Monday: its MT5 week began on Sunday the 12th.
        "W1,  2026-07-13T10:00:00Z,     2026-07-12T00:00:00Z, 2026-07-19T00:00:00Z",
        "W1,  2026-07-18T23:59:59.999Z, 2026-07-12T00:00:00Z, 2026-07-19T00:00:00Z",
        "W1,  2026-07-19T00:00:00Z,     2026-07-19T00:00:00Z, 2026-07-26T00:00:00Z",
        "MN1, 2026-07-31T23:59:59.999Z, 2026-07-01T00:00:00Z, 2026-08-01T00:00:00Z",
        "MN1, 2026-12-15T00:00:00Z,     2026-12-01T00:00:00Z, 2027-01-01T00:00:00Z",
        "MN1, 2024-02-29T12:00:00Z,     2024-02-01T00:00:00Z, 2024-03-01T00:00:00Z",
    })
    void shouldOpenAtThePeriodFloorInUtcWithoutSessionOffset(
            final Timeframe tf, final String tick, final String open, final String close) {
        final long openTime = tf.openTime(msc(tick), 0);
        assertEquals(Instant.parse(open), Instant.ofEpochMilli(openTime), tf + " open");
        assertEquals(Instant.parse(close), Instant.ofEpochMilli(tf.closeTime(openTime, 0)), tf + " close");
    }

    @ParameterizedTest(name = "{0}: {1} opens at {2}")
    @CsvSource({
        // Server time UTC+2: the broker's day starts at 22:00 UTC.
        "D1,  2026-07-13T21:59:59.999Z, 2026-07-12T22:00:00Z, 2026-07-13T22:00:00Z",
        "D1,  2026-07-13T22:00:00Z,     2026-07-13T22:00:00Z, 2026-07-14T22:00:00Z",
        // Saturday 23:59:59.999 and Sunday 00:00 server time.
        "W1,  2026-07-18T21:59:59.999Z, 2026-07-11T22:00:00Z, 2026-07-18T22:00:00Z",
        "W1,  2026-07-18T22:00:00Z,     2026-07-18T22:00:00Z, 2026-07-25T22:00:00Z",
        // July 31st 23:59:59.999 and August 1st 00:00 server time.
        "MN1, 2026-07-31T21:59:59.999Z, 2026-06-30T22:00:00Z, 2026-07-31T22:00:00Z",
        "MN1, 2026-07-31T22:00:00Z,     2026-07-31T22:00:00Z, 2026-08-31T22:00:00Z",
        "MN1, 2026-12-31T22:00:00Z,     2026-12-31T22:00:00Z, 2027-01-31T22:00:00Z",
        // Intraday bars ignore the session offset.
        "H4,  2026-07-13T21:59:59.999Z, 2026-07-13T20:00:00Z, 2026-07-14T00:00:00Z",
        "M1,  2026-07-13T21:59:59.999Z, 2026-07-13T21:59:00Z, 2026-07-13T22:00:00Z",
    })
    void shouldStartDaysWeeksAndMonthsAtServerMidnightEastOfUtc(
            final Timeframe tf, final String tick, final String open, final String close) {
        final long openTime = tf.openTime(msc(tick), UTC_PLUS_2);
        assertEquals(Instant.parse(open), Instant.ofEpochMilli(openTime), tf + " open");
        assertEquals(Instant.parse(close), Instant.ofEpochMilli(tf.closeTime(openTime, UTC_PLUS_2)), tf + " close");
    }

    @ParameterizedTest(name = "{0}: {1} opens at {2}")
    @CsvSource({
        // Server time UTC-5: the broker's day starts at 05:00 UTC.
        "D1,  2026-07-13T04:59:59.999Z, 2026-07-12T05:00:00Z, 2026-07-13T05:00:00Z",
        "D1,  2026-07-13T05:00:00Z,     2026-07-13T05:00:00Z, 2026-07-14T05:00:00Z",
        "W1,  2026-07-19T04:59:59.999Z, 2026-07-12T05:00:00Z, 2026-07-19T05:00:00Z",
        "W1,  2026-07-19T05:00:00Z,     2026-07-19T05:00:00Z, 2026-07-26T05:00:00Z",
        "MN1, 2026-08-01T04:59:59.999Z, 2026-07-01T05:00:00Z, 2026-08-01T05:00:00Z",
        "MN1, 2026-08-01T05:00:00Z,     2026-08-01T05:00:00Z, 2026-09-01T05:00:00Z",
    })
    void shouldStartDaysWeeksAndMonthsAtServerMidnightWestOfUtc(
            final Timeframe tf, final String tick, final String open, final String close) {
        final long openTime = tf.openTime(msc(tick), UTC_MINUS_5);
        assertEquals(Instant.parse(open), Instant.ofEpochMilli(openTime), tf + " open");
        assertEquals(Instant.parse(close), Instant.ofEpochMilli(tf.closeTime(openTime, UTC_MINUS_5)), tf + " close");
    }

    @Test
    void shouldStartEveryWeekOnSundayServerTime() {
        long timeMsc = msc("2026-01-01T00:00:00Z");
        for (int day = 0; day < 400; day++, timeMsc += 86_400_000L) {
            for (final long offset : new long[] {0, UTC_PLUS_2, UTC_MINUS_5}) {
                final long open = Timeframe.W1.openTime(timeMsc, offset);
                final var serverTime = Instant.ofEpochMilli(open + offset).atOffset(ZoneOffset.UTC);
                assertEquals(DayOfWeek.SUNDAY, serverTime.getDayOfWeek(), "week of " + Instant.ofEpochMilli(timeMsc));
                assertEquals(0, serverTime.toLocalTime().toSecondOfDay(), "week starts at server midnight");
                assertTrue(open <= timeMsc && timeMsc < Timeframe.W1.closeTime(open, offset));
            }
        }
    }

    @Test
    void shouldKeepABarsOpenTimeForEveryTickInsideIt() {
        final long offset = UTC_PLUS_2;
        for (final Timeframe tf : Timeframe.values()) {
            final long open = tf.openTime(msc("2026-07-13T10:17:31.250Z"), offset);
            final long close = tf.closeTime(open, offset);
            assertEquals(open, tf.openTime(open, offset), tf + " first millisecond");
            assertEquals(open, tf.openTime(close - 1, offset), tf + " last millisecond");
            assertEquals(close, tf.openTime(close, offset), tf + " next bar");
        }
    }

    @Test
    void shouldGiveFixedDurationsAndAggregateAllButMonths() {
        assertEquals(60_000L, Timeframe.M1.durationMsc());
        assertEquals(300_000L, Timeframe.M5.durationMsc());
        assertEquals(900_000L, Timeframe.M15.durationMsc());
        assertEquals(1_800_000L, Timeframe.M30.durationMsc());
        assertEquals(3_600_000L, Timeframe.H1.durationMsc());
        assertEquals(14_400_000L, Timeframe.H4.durationMsc());
        assertEquals(86_400_000L, Timeframe.D1.durationMsc());
        assertEquals(604_800_000L, Timeframe.W1.durationMsc());
        assertEquals(-1L, Timeframe.MN1.durationMsc());
        for (final Timeframe tf : Timeframe.values()) {
            assertEquals(tf != Timeframe.MN1, tf.isAggregatable(), tf.name());
        }
    }

    @Test
    void shouldParseNamesIgnoringCase() {
        for (final Timeframe tf : Timeframe.values()) {
            assertSame(tf, Timeframe.parse(tf.name()));
            assertSame(tf, Timeframe.parse(tf.name().toLowerCase(java.util.Locale.ROOT)));
            assertSame(tf, Timeframe.of(tf.ordinal()));
        }
        assertSame(Timeframe.MN1, Timeframe.parse("Mn1"));
    }

    @Test
    void shouldParseUnknownNamesAsNull() {
        assertNull(Timeframe.parse("M2"));
        assertNull(Timeframe.parse("1m"));
        assertNull(Timeframe.parse(""));
        assertNull(Timeframe.parse(" M1"));
        assertNull(Timeframe.parse("PERIOD_M1"));
        assertNull(Timeframe.parse(null));
        assertFalse(Timeframe.MN1.isAggregatable());
    }

    private static long msc(final String instant) {
        return Instant.parse(instant).toEpochMilli();
    }
}
