package io.tickengine.core.time;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A broker's server time zone: the rule that says how far the server clock MetaTrader 5 stamps ticks and bars with is
 * from UTC at any instant. Most brokers keep their server at UTC+2 in winter and UTC+3 while New York observes
 * daylight saving ("New York close": 17:00 in New York is midnight on the server), so the offset changes twice a
 * year on the US dates, weeks apart from the EU ones.
 *
 * <p>Written as one of:
 *
 * <ul>
 *   <li>an IANA zone id understood by {@link ZoneId#of(String)}: {@code Europe/Athens} (EU dates), {@code UTC};
 *   <li>a fixed offset: {@code UTC+3}, {@code GMT+2}, {@code +02:00};
 *   <li>{@code NY+H} or {@code NY+H:MM} (also {@code NY-H}): America/New_York's offset plus {@code H} hours, so
 *       {@code NY+7} is UTC+2, and UTC+3 while New York observes daylight saving.
 * </ul>
 *
 * <p>Server-local times are epoch milliseconds as if the server's wall clock were UTC, the way MT5 counts
 * {@code datetime} and {@code MqlTick.time_msc}. Converting them to UTC is ambiguous at a switch: a local time the
 * clock skipped (spring) is read with the offset before the switch, which lands on the same instant as the wall time
 * pushed forward by the gap; a local time the clock showed twice (autumn) is read as its first occurrence, with the
 * offset before the switch. For {@code NY+7} both windows are on a Sunday morning, when FX markets are closed.
 *
 * <p>Immutable and thread-safe. Conversion away from a switch allocates nothing: the offset of the last window of
 * unambiguous times is kept in an immutable object, replaced (racily, which is harmless) when a time falls outside.
 */
public final class ServerTimeZone {
    /** UTC: server time is UTC (the default of {@code server.tz}). */
    public static final ServerTimeZone UTC = new ServerTimeZone("UTC", ZoneOffset.UTC.getRules(), 0);

    private static final Pattern NEW_YORK_RULE = Pattern.compile("NY([+-])(\\d{1,2})(?::([0-5]\\d))?");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final long HOUR_MSC = 3_600_000L;
    private static final long MAX_SHIFT_MSC = 14 * HOUR_MSC;

    private final String id;
    private final ZoneRules rules;
    /** Added to the offset {@link #rules} give: the {@code +7} of {@code NY+7}. */
    private final long shiftMsc;

    private Window window = Window.NONE;

    private ServerTimeZone(final String id, final ZoneRules rules, final long shiftMsc) {
        this.id = id;
        this.rules = rules;
        this.shiftMsc = shiftMsc;
    }

    /**
     * @param text an IANA zone id, a fixed offset or {@code NY±H[:MM]}, surrounding blanks ignored.
     * @return the zone.
     * @throws IllegalArgumentException naming the value when it is none of those.
     */
    public static ServerTimeZone parse(final String text) {
        final String value = text == null ? "" : text.trim();
        final Matcher rule = NEW_YORK_RULE.matcher(value.toUpperCase(Locale.ROOT));
        if (rule.matches()) {
            final long magnitudeMsc = Long.parseLong(rule.group(2)) * HOUR_MSC
                    + (rule.group(3) == null ? 0 : Long.parseLong(rule.group(3)) * 60_000L);
            if (magnitudeMsc > MAX_SHIFT_MSC) {
                throw unknown(value, "NY+H with H at most 14");
            }
            final long shiftMsc = "-".equals(rule.group(1)) ? -magnitudeMsc : magnitudeMsc;
            return new ServerTimeZone(value.toUpperCase(Locale.ROOT), NEW_YORK.getRules(), shiftMsc);
        }
        if (value.isEmpty()) {
            throw unknown(value, null);
        }
        try {
            final ZoneId zone = ZoneId.of(value);
            return new ServerTimeZone(zone.getId(), zone.getRules(), 0);
        } catch (final DateTimeException e) {
            throw unknown(value, null);
        }
    }

    /**
     * @param minutes a fixed offset east of UTC in minutes (UTC+3 = 180), between -1080 and 1080.
     * @return that fixed offset as a zone.
     */
    public static ServerTimeZone ofOffsetMinutes(final int minutes) {
        final ZoneOffset offset;
        try {
            offset = ZoneOffset.ofTotalSeconds(Math.multiplyExact(minutes, 60));
        } catch (final DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "invalid offset [minutes=" + minutes + ", expected=between -1080 and 1080]", e);
        }
        final ZoneId zone = ZoneId.ofOffset("UTC", offset);
        return new ServerTimeZone(zone.getId(), zone.getRules(), 0);
    }

    private static IllegalArgumentException unknown(final String value, final String hint) {
        return new IllegalArgumentException("unknown time zone [value=" + value + ", expected="
                + (hint != null ? hint : "an IANA zone id such as Europe/Athens, a fixed offset such as UTC+2, or NY+7")
                + "]");
    }

    /** @return the zone as written, normalized: {@code NY+7}, {@code Europe/Athens}, {@code UTC+03:00}. */
    public String id() {
        return id;
    }

    /** @return true when the offset never changes (UTC, {@code UTC+3}). */
    public boolean isFixed() {
        return rules.isFixedOffset();
    }

    /** @return how far the server clock is ahead of UTC at {@code utcMsc}, in milliseconds (UTC+3 = 10,800,000). */
    public long offsetMscAt(final long utcMsc) {
        final Window w = window;
        if (utcMsc >= w.fromUtcMsc && utcMsc < w.toUtcMsc) {
            return w.offsetMsc;
        }
        return offsetAtSlow(utcMsc);
    }

    /** @return the server's wall-clock time at {@code utcMsc}, in epoch ms as if that wall clock were UTC. */
    public long toServerMsc(final long utcMsc) {
        return utcMsc + offsetMscAt(utcMsc);
    }

    /**
     * @param serverMsc a server wall-clock time in epoch ms as if it were UTC (MT5's {@code time_msc}).
     * @return the UTC instant, in epoch ms; for times at a switch see the class comment.
     */
    public long toUtcMsc(final long serverMsc) {
        final Window w = window;
        if (serverMsc >= w.fromServerMsc && serverMsc < w.toServerMsc) {
            return serverMsc - w.offsetMsc;
        }
        return toUtcSlow(serverMsc);
    }

    /**
     * {@link #toUtcMsc(long)} for times read in order, as in a file: a server time the clock showed twice (autumn) is
     * read as its second occurrence when the first would put it before {@code previousUtcMsc}, the time read before
     * it. So an export that runs through the repeated hour comes out in order, on both sides of the switch.
     *
     * @param previousUtcMsc the UTC time of the previous tick or bar, or {@link Long#MIN_VALUE} for none.
     */
    public long toUtcMsc(final long serverMsc, final long previousUtcMsc) {
        final long utcMsc = toUtcMsc(serverMsc);
        if (utcMsc >= previousUtcMsc) {
            return utcMsc;
        }
        final ZoneOffsetTransition next = rules.nextTransition(Instant.ofEpochMilli(utcMsc));
        if (next == null || !next.isOverlap()) {
            return utcMsc;
        }
        final long laterMsc = serverMsc - offsetMsc(next.getOffsetAfter());
        return laterMsc >= next.getInstant().toEpochMilli() ? laterMsc : utcMsc;
    }

    private long offsetAtSlow(final long utcMsc) {
        final long offsetMsc = offsetMsc(rules.getOffset(Instant.ofEpochMilli(utcMsc)));
        remember(utcMsc);
        return offsetMsc;
    }

    private long toUtcSlow(final long serverMsc) {
        final long baseMsc = serverMsc - shiftMsc;
        final LocalDateTime local = LocalDateTime.ofEpochSecond(
                Math.floorDiv(baseMsc, 1000L), (int) Math.floorMod(baseMsc, 1000L) * 1_000_000, ZoneOffset.UTC);
        // In a gap and in an overlap alike this is the offset before the switch (ZoneRules#getOffset(LocalDateTime)).
        final long utcMsc = serverMsc - offsetMsc(rules.getOffset(local));
        remember(utcMsc);
        return utcMsc;
    }

    private long offsetMsc(final ZoneOffset offset) {
        return offset.getTotalSeconds() * 1000L + shiftMsc;
    }

    /** Keeps the window of instants around {@code utcMsc} that share its offset, minus the ambiguous local times. */
    private void remember(final long utcMsc) {
        if (rules.isFixedOffset()) {
            final long offsetMsc = offsetMsc(rules.getOffset(Instant.EPOCH));
            window = new Window(Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, offsetMsc);
            return;
        }
        final Instant at = Instant.ofEpochMilli(utcMsc);
        final ZoneOffsetTransition previous = rules.previousTransition(at.plusMillis(1));
        final ZoneOffsetTransition next = rules.nextTransition(at);
        final long offsetMsc = offsetMsc(rules.getOffset(at));
        final long fromUtcMsc =
                previous == null ? Long.MIN_VALUE : previous.getInstant().toEpochMilli();
        final long toUtcMsc = next == null ? Long.MAX_VALUE : next.getInstant().toEpochMilli();
        final long fromServerMsc = previous == null
                ? Long.MIN_VALUE
                : fromUtcMsc + Math.max(offsetMsc(previous.getOffsetBefore()), offsetMsc(previous.getOffsetAfter()));
        final long toServerMsc = next == null
                ? Long.MAX_VALUE
                : toUtcMsc + Math.min(offsetMsc(next.getOffsetBefore()), offsetMsc(next.getOffsetAfter()));
        window = new Window(fromUtcMsc, toUtcMsc, fromServerMsc, toServerMsc, offsetMsc);
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof ServerTimeZone other
                && id.equals(other.id)
                && shiftMsc == other.shiftMsc
                && rules.equals(other.rules);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return id;
    }

    /** Instants {@code [fromUtcMsc, toUtcMsc)} and unambiguous server times {@code [fromServerMsc, toServerMsc)}. */
    private static final class Window {
        static final Window NONE = new Window(0, 0, 0, 0, 0);

        final long fromUtcMsc;
        final long toUtcMsc;
        final long fromServerMsc;
        final long toServerMsc;
        final long offsetMsc;

        Window(
                final long fromUtcMsc,
                final long toUtcMsc,
                final long fromServerMsc,
                final long toServerMsc,
                final long offsetMsc) {
            this.fromUtcMsc = fromUtcMsc;
            this.toUtcMsc = toUtcMsc;
            this.fromServerMsc = fromServerMsc;
            this.toServerMsc = toServerMsc;
            this.offsetMsc = offsetMsc;
        }
    }
}
