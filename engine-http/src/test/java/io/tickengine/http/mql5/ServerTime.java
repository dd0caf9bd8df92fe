package io.tickengine.http.mql5;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Locale;

/**
 * {@code mql5/Include/TickEngine/ServerTime.mqh} in Java, function for function: a broker's time zone rule
 * ({@code NY+7}, a fixed offset, an IANA id of the include's table, or none: measured per batch) and the conversion of
 * server times to UTC at each time's own offset.
 */
final class ServerTime {
    /** {@code TE_TZ_MEASURED}: no rule, the offset measured now. */
    static final int MEASURED = 0;
    /** {@code TE_TZ_FIXED}. */
    static final int FIXED = 1;
    /** {@code TE_TZ_US}: New York's daylight-saving dates. */
    static final int US = 2;
    /** {@code TE_TZ_EU}: the EU's summer-time dates. */
    static final int EU = 3;

    static final List<String> EU0 = List.of("Europe/London", "Europe/Dublin", "Europe/Lisbon");
    static final List<String> EU1 = List.of(
            "Europe/Berlin",
            "Europe/Paris",
            "Europe/Madrid",
            "Europe/Rome",
            "Europe/Amsterdam",
            "Europe/Brussels",
            "Europe/Vienna",
            "Europe/Zurich",
            "Europe/Prague",
            "Europe/Warsaw",
            "Europe/Stockholm",
            "Europe/Oslo",
            "Europe/Copenhagen",
            "Europe/Budapest",
            "Europe/Luxembourg",
            "Europe/Malta");
    static final List<String> EU2 = List.of(
            "Europe/Athens",
            "Europe/Helsinki",
            "Europe/Kiev",
            "Europe/Kyiv",
            "Europe/Riga",
            "Europe/Tallinn",
            "Europe/Vilnius",
            "Europe/Sofia",
            "Europe/Bucharest",
            "Europe/Nicosia",
            "Asia/Nicosia");
    /** Every IANA id the include knows, with the ones of fixed offset. */
    static final List<String> FIXED_IDS = List.of(
            "Etc/UTC",
            "Etc/GMT",
            "Europe/Moscow",
            "Europe/Istanbul",
            "Asia/Dubai",
            "Asia/Singapore",
            "Asia/Hong_Kong",
            "Asia/Tokyo");

    /** {@code TeServerTz}. */
    record Tz(int kind, int standardS, String id) {}

    private ServerTime() {}

    /** {@code TeParseSignedOffset}: seconds, or null when the text is not {@code ±H[H][:MM]}. */
    static Integer parseSignedOffset(final String text) {
        final int len = text.length();
        if (len < 2 || (text.charAt(0) != '+' && text.charAt(0) != '-')) {
            return null;
        }
        int hours = 0;
        int minutes = 0;
        int digits = 0;
        int colon = -1;
        for (int i = 1; i < len; i++) {
            final char c = text.charAt(i);
            if (c == ':' && colon < 0 && digits > 0) {
                colon = i;
                continue;
            }
            if (c < '0' || c > '9') {
                return null;
            }
            if (colon < 0) {
                hours = hours * 10 + (c - '0');
                digits++;
            } else {
                minutes = minutes * 10 + (c - '0');
            }
        }
        if (digits == 0 || digits > 2 || hours > 14 || minutes > 59 || (colon > 0 && len - colon - 1 != 2)) {
            return null;
        }
        return (text.charAt(0) == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
    }

    /** {@code TeIanaZone}: null for an id outside the table. */
    static Tz ianaZone(final String id) {
        if (EU0.contains(id)) {
            return new Tz(EU, 0, id);
        }
        if (EU1.contains(id)) {
            return new Tz(EU, 3600, id);
        }
        if (EU2.contains(id)) {
            return new Tz(EU, 7200, id);
        }
        if (id.equals("America/New_York")) {
            return new Tz(US, -18000, id);
        }
        return switch (id) {
            case "Etc/UTC", "Etc/GMT" -> new Tz(FIXED, 0, id);
            case "Europe/Moscow", "Europe/Istanbul" -> new Tz(FIXED, 10800, id);
            case "Asia/Dubai" -> new Tz(FIXED, 14400, id);
            case "Asia/Singapore", "Asia/Hong_Kong" -> new Tz(FIXED, 28800, id);
            case "Asia/Tokyo" -> new Tz(FIXED, 32400, id);
            default -> null;
        };
    }

    /** {@code TeParseServerTz}: null when the EA refuses to start. */
    static Tz parse(final String text) {
        final String value = text.trim();
        if (value.isEmpty()) {
            return new Tz(MEASURED, 0, value);
        }
        final String upper = value.toUpperCase(Locale.ROOT);
        if (upper.startsWith("NY")) {
            final Integer shift = parseSignedOffset(upper.substring(2));
            if (shift != null) {
                return new Tz(US, -18000 + shift, upper);
            }
        }
        if (upper.equals("UTC") || upper.equals("GMT")) {
            return new Tz(FIXED, 0, value);
        }
        if (upper.startsWith("UTC") || upper.startsWith("GMT")) {
            final Integer offset = parseSignedOffset(upper.substring(3));
            if (offset != null) {
                return new Tz(FIXED, offset, value);
            }
        }
        final Integer offset = parseSignedOffset(upper);
        if (offset != null) {
            return new Tz(FIXED, offset, value);
        }
        return ianaZone(value);
    }

    /** {@code TeNthSunday}: epoch seconds of the n-th Sunday of a month, 00:00. */
    static long nthSunday(final int year, final int month, final int n) {
        final LocalDate first = LocalDate.of(year, month, 1);
        return first.with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY))
                .plusWeeks(n - 1)
                .atStartOfDay()
                .toEpochSecond(ZoneOffset.UTC);
    }

    /** {@code TeInDaylightSaving}. */
    static boolean inDaylightSaving(final Tz tz, final long utcS) {
        if (tz.kind() != US && tz.kind() != EU) {
            return false;
        }
        final int year = LocalDate.ofEpochDay(Math.floorDiv(utcS, 86400)).getYear();
        final long start;
        final long end;
        if (tz.kind() == US) {
            start = nthSunday(year, 3, 2) + 7 * 3600;
            end = nthSunday(year, 11, 1) + 6 * 3600;
        } else {
            start = nthSunday(year, 4, 1) - 7 * 86400 + 3600;
            end = nthSunday(year, 11, 1) - 7 * 86400 + 3600;
        }
        return utcS >= start && utcS < end;
    }

    /** {@code TeOffsetAtUtc}. */
    static int offsetAtUtc(final Tz tz, final long utcS) {
        return tz.standardS() + (inDaylightSaving(tz, utcS) ? 3600 : 0);
    }

    /** {@code TeServerToUtcMsc}. */
    static long serverToUtcMsc(final Tz tz, final long serverMsc, final long previousUtcMsc) {
        final long standard = serverMsc - tz.standardS() * 1000L;
        if (tz.kind() != US && tz.kind() != EU) {
            return standard;
        }
        final long summer = standard - 3_600_000L;
        final boolean standardValid = !inDaylightSaving(tz, Math.floorDiv(standard, 1000L));
        final boolean summerValid = inDaylightSaving(tz, Math.floorDiv(summer, 1000L));
        if (summerValid && (!standardValid || summer >= previousUtcMsc)) {
            return summer;
        }
        return standard;
    }

    /** {@code TeMeasuredOffsetSeconds}: TimeTradeServer() - TimeGMT() (seconds), rounded to 15 minutes. */
    static int measuredOffsetSeconds(final long timeTradeServerS, final long timeGmtS) {
        return (int) (Math.round((timeTradeServerS - timeGmtS) / 900.0) * 900);
    }
}
