package io.tickengine.core.cli;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress display for a long job such as an import:
 * {@code EURUSD.csv [########------------]  40%  1,420 ticks  35,500 ticks/s  ETA 0:03}.
 *
 * <p>On a terminal the line is redrawn in place with {@code \r}, at most ten times a second; otherwise (output
 * redirected to a file or a log) a plain line is printed each time another 10% is done. {@link #finish(long)}
 * always prints the final 100% line. Progress is measured in bytes (or any unit of work), speed in items.
 *
 * <p>One thread.
 */
public final class ProgressBar {
    private static final long REDRAW_INTERVAL_NS = 100_000_000L;
    private static final int BAR_WIDTH = 30;
    private static final long NS_PER_SECOND = 1_000_000_000L;

    private final PrintStream out;
    private final String label;
    private final String unit;
    private final long total;
    private final boolean interactive;
    private final LongSupplier nanoClock;
    private final long startNs;
    private long lastDrawNs;
    private int lastDecile;
    private int lastLength;
    private boolean finished;

    /**
     * @param label what is in progress, e.g. the file name.
     * @param unit what the items are called, e.g. {@code ticks}.
     * @param total the amount of work, e.g. the file size in bytes.
     * @param interactive redraw one line in place ({@code true}) or print a line every 10%.
     * @param nanoClock {@link System#nanoTime()} or a clock of a test.
     */
    public ProgressBar(
            final PrintStream out,
            final String label,
            final String unit,
            final long total,
            final boolean interactive,
            final LongSupplier nanoClock) {
        this.out = out;
        this.label = label;
        this.unit = unit;
        this.total = Math.max(0, total);
        this.interactive = interactive;
        this.nanoClock = nanoClock;
        this.startNs = nanoClock.getAsLong();
        this.lastDrawNs = startNs - REDRAW_INTERVAL_NS;
    }

    /** @return a progress bar on {@code out}, redrawn in place if this process runs in a terminal. */
    public static ProgressBar create(final PrintStream out, final String label, final String unit, final long total) {
        return new ProgressBar(out, label, unit, total, isTerminal(), System::nanoTime);
    }

    /**
     * Reports progress; draws only if a redraw is due.
     *
     * @param done work done so far, in the unit of {@code total}.
     * @param items items processed so far.
     */
    public void update(final long done, final long items) {
        if (finished) {
            return;
        }
        final long nowNs = nanoClock.getAsLong();
        if (interactive) {
            if (nowNs - lastDrawNs >= REDRAW_INTERVAL_NS) {
                lastDrawNs = nowNs;
                redraw(line(done, items, nowNs, false));
            }
        } else {
            final int decile = (int) (percent(done) / 10);
            if (decile > lastDecile && decile < 10) {
                lastDecile = decile;
                out.println(line(done, items, nowNs, false));
                out.flush();
            }
        }
    }

    /** Prints the final line: 100%, all items, average speed and time taken. Further calls do nothing. */
    public void finish(final long items) {
        if (finished) {
            return;
        }
        finished = true;
        final String line = line(total, items, nanoClock.getAsLong(), true);
        if (interactive) {
            redraw(line);
            out.println();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /**
     * @return true if this process has a terminal. Before Java 22 that is {@code System.console() != null}; from 22
     *     on a console exists even when output is redirected and {@code Console.isTerminal()} tells.
     */
    public static boolean isTerminal() {
        final Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            final Method isTerminal = Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(isTerminal.invoke(console));
        } catch (final NoSuchMethodException e) {
            return true;
        } catch (final ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private void redraw(final String line) {
        // Spaces wipe the tail of a longer previous line; \r returns to its start.
        final int padding = Math.max(0, lastLength - line.length());
        out.print('\r' + line + " ".repeat(padding));
        out.flush();
        lastLength = line.length();
    }

    private double percent(final long done) {
        return total == 0 ? 100.0 : Math.min(100.0, 100.0 * Math.max(0, done) / total);
    }

    private String line(final long done, final long items, final long nowNs, final boolean last) {
        final double percent = percent(done);
        final int filled = (int) (percent * BAR_WIDTH / 100);
        final long elapsedNs = Math.max(0, nowNs - startNs);
        final StringBuilder sb = new StringBuilder(label)
                .append(" [")
                .append("#".repeat(filled))
                .append("-".repeat(BAR_WIDTH - filled))
                .append("] ")
                .append(String.format(Locale.ROOT, "%3d%%  %,d %s", (int) percent, items, unit));
        if (elapsedNs > 0) {
            sb.append(String.format(Locale.ROOT, "  %,.0f %s/s", (double) items * NS_PER_SECOND / elapsedNs, unit));
        }
        if (last) {
            sb.append("  in ").append(duration(elapsedNs));
        } else if (done > 0 && percent < 100.0) {
            final double remainingNs = elapsedNs * (double) (total - done) / done;
            sb.append("  ETA ").append(duration((long) remainingNs));
        }
        return sb.toString();
    }

    private static String duration(final long ns) {
        final long seconds = (ns + NS_PER_SECOND / 2) / NS_PER_SECOND;
        final long hours = seconds / 3600;
        return hours > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
