package io.tickengine.core.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ServerTimeZoneTest {
    private static final long HOUR = 3_600_000L;
    private static final long MINUTE = 60_000L;

    @Test
    void shouldSwitchNewYorkPlusSevenOnTheUsDates() {
        final ServerTimeZone tz = ServerTimeZone.parse("NY+7");
        // 2026-03-08 02:00 in New York (07:00 UTC): UTC+2 becomes UTC+3.
        assertEquals(2 * HOUR, tz.offsetMscAt(utc("2026-03-08T06:59:59.999")));
        assertEquals(3 * HOUR, tz.offsetMscAt(utc("2026-03-08T07:00:00")));
        // 2026-11-01 02:00 in New York (06:00 UTC): back to UTC+2.
        assertEquals(3 * HOUR, tz.offsetMscAt(utc("2026-11-01T05:59:59.999")));
        assertEquals(2 * HOUR, tz.offsetMscAt(utc("2026-11-01T06:00:00")));
        // Between the US and the EU switch the broker is already (spring) or still (autumn) at UTC+3.
        assertEquals(3 * HOUR, tz.offsetMscAt(utc("2026-03-20T12:00:00")));
        assertEquals(3 * HOUR, tz.offsetMscAt(utc("2026-10-28T12:00:00")));
    }

    @Test
    void shouldSwitchEuropeanZonesOnTheEuDates() {
        final ServerTimeZone tz = ServerTimeZone.parse("Europe/Athens");
        // 2026-03-29 and 2026-10-25, 01:00 UTC.
        assertEquals(2 * HOUR, tz.offsetMscAt(utc("2026-03-29T00:59:59.999")));
        assertEquals(3 * HOUR, tz.offsetMscAt(utc("2026-03-29T01:00:00")));
        assertEquals(3 * HOUR, tz.offsetMscAt(utc("2026-10-25T00:59:59.999")));
        assertEquals(2 * HOUR, tz.offsetMscAt(utc("2026-10-25T01:00:00")));
        assertEquals(2 * HOUR, tz.offsetMscAt(utc("2026-03-20T12:00:00")));
        assertEquals(2 * HOUR, tz.offsetMscAt(utc("2026-10-28T12:00:00")));
    }

    @Test
    void shouldConvertServerTimeToUtcOnBothSidesOfEachSwitch() {
        final ServerTimeZone ny = ServerTimeZone.parse("NY+7");
        assertEquals(utc("2026-03-08T06:59:00"), ny.toUtcMsc(local("2026-03-08T08:59:00")));
        assertEquals(utc("2026-03-08T07:00:00"), ny.toUtcMsc(local("2026-03-08T10:00:00")));
        assertEquals(utc("2026-11-01T05:00:00"), ny.toUtcMsc(local("2026-11-01T08:00:00")));
        assertEquals(utc("2026-11-01T07:00:00"), ny.toUtcMsc(local("2026-11-01T09:00:00")));

        final ServerTimeZone eu = ServerTimeZone.parse("Europe/Athens");
        assertEquals(utc("2026-03-29T00:59:00"), eu.toUtcMsc(local("2026-03-29T02:59:00")));
        assertEquals(utc("2026-03-29T01:00:00"), eu.toUtcMsc(local("2026-03-29T04:00:00")));
        assertEquals(utc("2026-10-25T00:30:00"), eu.toUtcMsc(local("2026-10-25T03:30:00")));
        assertEquals(utc("2026-10-25T02:00:00"), eu.toUtcMsc(local("2026-10-25T04:00:00")));
    }

    @Test
    void shouldReadSkippedAndRepeatedServerTimesWithTheOffsetBeforeTheSwitch() {
        final ServerTimeZone ny = ServerTimeZone.parse("NY+7");
        // 09:30 never happened on the server on 2026-03-08: as if the clock had not moved yet, = 10:30 after.
        assertEquals(utc("2026-03-08T07:30:00"), ny.toUtcMsc(local("2026-03-08T09:30:00")));
        // 08:30 happened twice on 2026-11-01: the first time.
        assertEquals(utc("2026-11-01T05:30:00"), ny.toUtcMsc(local("2026-11-01T08:30:00")));
    }

    @Test
    void shouldReadTheRepeatedHourInOrderWhenGivenThePreviousTime() {
        final ServerTimeZone ny = ServerTimeZone.parse("NY+7");
        final long after = utc("2026-11-01T06:10:00"); // server 08:10 the second time
        assertEquals(utc("2026-11-01T06:20:00"), ny.toUtcMsc(local("2026-11-01T08:20:00"), after));
        assertEquals(utc("2026-11-01T05:20:00"), ny.toUtcMsc(local("2026-11-01T08:20:00"), utc("2026-11-01T05:10:00")));
        // A tick that is simply out of order stays where it is.
        assertEquals(utc("2026-07-13T11:59:00"), ny.toUtcMsc(local("2026-07-13T14:59:00"), utc("2026-07-13T12:00:00")));
        assertEquals(utc("2026-07-13T11:59:00"), ny.toUtcMsc(local("2026-07-13T14:59:00"), Long.MIN_VALUE));
    }

    @Test
    void shouldRoundTripEveryMinuteAcrossBothSwitchesExceptTheRepeatedHour() {
        for (final String id : new String[] {"NY+7", "Europe/Athens", "UTC+3", "UTC"}) {
            final ServerTimeZone tz = ServerTimeZone.parse(id);
            final ServerTimeZone fresh = ServerTimeZone.parse(id);
            for (final String day :
                    new String[] {"2026-03-07T12:00:00", "2026-10-24T12:00:00", "2026-10-31T12:00:00"}) {
                final long start = utc(day);
                for (long t = start; t < start + 48 * HOUR; t += MINUTE) {
                    final long server = tz.toServerMsc(t);
                    // The second pass over the repeated hour reads as the first: the one ambiguity there is.
                    final boolean repeated = tz.offsetMscAt(t) < tz.offsetMscAt(t - HOUR);
                    if (!repeated) {
                        assertEquals(t, tz.toUtcMsc(server), id + " at " + Instant.ofEpochMilli(t));
                    }
                    assertEquals(fresh.offsetMscAt(t), tz.offsetMscAt(t));
                }
            }
        }
    }

    @Test
    void shouldAcceptIanaIdsFixedOffsetsAndNewYorkRules() {
        assertTrue(ServerTimeZone.parse("UTC").isFixed());
        assertEquals(3 * HOUR, ServerTimeZone.parse("UTC+3").offsetMscAt(utc("2026-01-01T00:00:00")));
        assertEquals(2 * HOUR, ServerTimeZone.parse(" +02:00 ").offsetMscAt(utc("2026-07-01T00:00:00")));
        assertEquals("NY+7", ServerTimeZone.parse("ny+7").id());
        assertFalse(ServerTimeZone.parse("NY+7").isFixed());
        assertEquals(-HOUR / 2 * 9, ServerTimeZone.parse("NY+0:30").offsetMscAt(utc("2026-01-15T00:00:00")));
        assertEquals(3 * HOUR, ServerTimeZone.ofOffsetMinutes(180).offsetMscAt(0));
        assertEquals(ServerTimeZone.parse("NY+7"), ServerTimeZone.parse("NY+7"));
    }

    @Test
    void shouldRejectUnknownZonesNamingTheValue() {
        for (final String bad : new String[] {"", "Mars/Olympus", "NY+15", "NY7", "UTC+25"}) {
            final IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> ServerTimeZone.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("unknown time zone [value=" + bad + ","), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ServerTimeZone.ofOffsetMinutes(1440));
    }

    private static long utc(final String isoLocal) {
        return LocalDateTime.parse(isoLocal).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** A server wall-clock time, counted as MT5 does: as if it were UTC. */
    private static long local(final String isoLocal) {
        return utc(isoLocal);
    }
}
