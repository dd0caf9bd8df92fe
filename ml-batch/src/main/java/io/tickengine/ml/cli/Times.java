package io.tickengine.ml.cli;

import io.tickengine.ml.MlException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Times on the command line: epoch milliseconds, or ISO-8601 in UTC ({@code 2017-11-12}, {@code 2017-11-12T06:00}). */
final class Times {
    private Times() {}

    static long parse(final String option, final String text) {
        if (text.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(text);
        }
        try {
            if (text.endsWith("Z")) {
                return Instant.parse(text).toEpochMilli();
            }
            if (text.length() == 10) {
                return LocalDate.parse(text)
                        .atStartOfDay()
                        .toInstant(ZoneOffset.UTC)
                        .toEpochMilli();
            }
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (final DateTimeParseException e) {
            throw new MlException("bad time [option=" + option + ", value=" + text
                    + ", expected=epoch ms or ISO-8601 UTC such as 2017-11-12T06:00]");
        }
    }

    static String format(final long timeMsc) {
        return Instant.ofEpochMilli(timeMsc).toString();
    }
}
