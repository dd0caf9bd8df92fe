package io.tickengine.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final long MS = 1_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long nowNs = 5_000 * MS;

    @Test
    void shouldPrintPlainLineEveryTenPercentWhenNotATerminal() {
        final ProgressBar bar = new ProgressBar(out, "EURUSD.csv", "ticks", 1000, false, () -> nowNs);

        final long startNs = nowNs;
        for (int done = 0; done <= 1000; done += 25) {
            nowNs = startNs + done * 4 * MS;
            bar.update(done, done * 2L);
        }
        bar.finish(2000);

        final List<String> lines = output().lines().toList();
        assertEquals(10, lines.size(), output());
        assertEquals(
                "EURUSD.csv [###---------------------------]  10%  200 ticks  500 ticks/s  ETA 0:04", lines.get(0));
        assertEquals(
                "EURUSD.csv [##############################] 100%  2,000 ticks  500 ticks/s  in 0:04", lines.get(9));
        assertTrue(!output().contains("\r"));
    }

    @Test
    void shouldRedrawInPlaceAtMostTenTimesASecondOnATerminal() {
        final ProgressBar bar = new ProgressBar(out, "BTCUSD.csv", "ticks", 1000, true, () -> nowNs);

        for (int done = 1; done <= 1000; done++) {
            nowNs += MS;
            bar.update(done, done);
        }
        bar.finish(1000);

        final String text = output();
        assertEquals(11, text.chars().filter(c -> c == '\r').count(), "ten redraws in one second and the last");
        assertTrue(text.endsWith("100%  1,000 ticks  1,000 ticks/s  in 0:01" + System.lineSeparator()), text);
    }

    @Test
    void shouldPrintFinalLineOnceEvenForEmptyWork() {
        final ProgressBar bar = new ProgressBar(out, "empty.csv", "bars", 0, false, () -> nowNs);

        bar.update(0, 0);
        bar.finish(0);
        bar.finish(0);

        assertEquals(
                "empty.csv [##############################] 100%  0 bars  in 0:00" + System.lineSeparator(), output());
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
