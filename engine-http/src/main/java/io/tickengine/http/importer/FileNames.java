package io.tickengine.http.importer;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.tick.NameTable;
import java.nio.file.Path;

/**
 * What MetaTrader 5's export file names say: {@code EURUSD_202607131200_202607131300.csv} (ticks),
 * {@code EURUSD_M1_202607131200_202607131300.csv} (bars), {@code EURUSD,M1.csv} (a chart saved by hand).
 */
final class FileNames {
    private FileNames() {}

    /** @return the part of the name before the first {@code _} or {@code ,} if it is a valid symbol, else null. */
    static String symbol(final Path file) {
        final String name = file.getFileName().toString();
        final int end = symbolEnd(name);
        if (end <= 0) {
            return null;
        }
        final String symbol = name.substring(0, end);
        return NameTable.isValid(symbol) ? symbol : null;
    }

    /** @return the timeframe named right after the symbol ({@code EURUSD_M1_…}, {@code EURUSD,H4.csv}), or null. */
    static Timeframe timeframe(final Path file) {
        final String name = file.getFileName().toString();
        final int start = symbolEnd(name) + 1;
        if (start <= 0) {
            return null;
        }
        int end = start;
        while (end < name.length() && "_,.".indexOf(name.charAt(end)) < 0) {
            end++;
        }
        return Timeframe.parse(name.substring(start, end));
    }

    private static int symbolEnd(final String name) {
        final int underscore = name.indexOf('_');
        final int comma = name.indexOf(',');
        return underscore < 0 ? comma : comma < 0 ? underscore : Math.min(underscore, comma);
    }
}
