package io.tickengine.http.importer;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * Parses MetaTrader 5's export timestamps, {@code 2026.07.13} and {@code 12:00:00.093} (also {@code 12:00:00} and
 * {@code 12:00}), into milliseconds. The date of the previous line is remembered, so a file of ticks builds no date
 * object per line.
 */
final class Mt5Time {
    /** Returned for text that is no valid date or time. */
    static final long INVALID = Long.MIN_VALUE;

    private static final long DAY_MSC = 86_400_000L;

    private int lastDateKey = -1;
    private long lastDateMsc;

    /** @return midnight of the {@code yyyy.MM.dd} date in field {@code i}, in epoch ms as if UTC, or {@link #INVALID}. */
    long dateMsc(final Fields fields, final int i) {
        if (fields.length(i) != 10 || fields.charAt(i, 4) != '.' || fields.charAt(i, 7) != '.') {
            return INVALID;
        }
        final int year = fields.digits(i, 0, 4);
        final int month = fields.digits(i, 5, 7);
        final int day = fields.digits(i, 8, 10);
        if (year < 0 || month < 0 || day < 0) {
            return INVALID;
        }
        final int key = (year * 100 + month) * 100 + day;
        if (key != lastDateKey) {
            try {
                lastDateMsc = LocalDate.of(year, month, day).toEpochDay() * DAY_MSC;
            } catch (final DateTimeException e) {
                return INVALID;
            }
            lastDateKey = key;
        }
        return lastDateMsc;
    }

    /** @return the {@code HH:mm[:ss[.SSS]]} time of day in field {@code i}, in ms, or {@link #INVALID}. */
    static long timeOfDayMsc(final Fields fields, final int i) {
        final int length = fields.length(i);
        if ((length != 5 && length != 8 && length != 12) || fields.charAt(i, 2) != ':') {
            return INVALID;
        }
        final int hours = fields.digits(i, 0, 2);
        final int minutes = fields.digits(i, 3, 5);
        int seconds = 0;
        int millis = 0;
        if (length >= 8) {
            if (fields.charAt(i, 5) != ':') {
                return INVALID;
            }
            seconds = fields.digits(i, 6, 8);
        }
        if (length == 12) {
            if (fields.charAt(i, 8) != '.') {
                return INVALID;
            }
            millis = fields.digits(i, 9, 12);
        }
        if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59 || millis < 0) {
            return INVALID;
        }
        return ((hours * 60L + minutes) * 60 + seconds) * 1000 + millis;
    }
}
