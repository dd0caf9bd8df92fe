package io.tickengine.bench.host;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The header line {@code tick-bench jitter} writes: its form, and that it counted the parks it made. */
class TimerJitterTest {
    private static final Pattern LINE = Pattern.compile("timer:   a 20 us park overslept p50 [\\d,]+ / p99 [\\d,]+ /"
            + " p99\\.9 [\\d,]+ / max [\\d,]+ us \\(([\\d,]+) parks in 0 s; [\\d,]+ over 1 ms\\)");

    @Test
    void shouldReportThePercentilesOfTheParksItMade() {
        final String line = TimerJitter.measure(50_000_000L, 20_000L);
        final Matcher m = LINE.matcher(line);
        assertTrue(m.matches(), line);
        // 50 ms of parks of at least 20 us: at most 2,500 of them, and surely more than one.
        final long parks = Long.parseLong(m.group(1).replace(",", ""));
        assertTrue(parks > 1 && parks <= 2_500, line);
    }
}
