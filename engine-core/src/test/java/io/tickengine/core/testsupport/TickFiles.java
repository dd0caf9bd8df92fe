package io.tickengine.core.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real tick fixtures of {@code ../shared/data/ticks}: ticks in engine CSV and the M1 candles they must give. */
public final class TickFiles {
    /** One tick of an engine-format CSV line. */
    public record Tick(String symbol, long timeMsc, double bid, double ask, double last, long volume, int flags) {}

    /** One expected candle. */
    public record Candle(
            String symbol,
            String timeframe,
            long openTimeMsc,
            double open,
            double high,
            double low,
            double close,
            long tickVolume) {}

    /** The fixture pairs: ticks file and expected M1 file. */
    public static final List<String> FIXTURES = List.of("EURUSD_20260713", "BTCUSD_20230220");

    private TickFiles() {}

    /** @return the fixtures folder: system property {@code tick.data.dir}, else found above the working dir. */
    public static Path dataDir() {
        final String configured = System.getProperty("tick.data.dir");
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            final Path candidate = dir.resolve("shared/data/ticks");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "tick fixtures not found: expected ../shared/data/ticks beside the repository " + "or -Dtick.data.dir");
    }

    public static List<Tick> ticks(final String fixture) {
        final List<Tick> ticks = new ArrayList<>();
        for (final String[] f : rows(dataDir().resolve(fixture + "_dukascopy.csv"))) {
            ticks.add(new Tick(
                    f[0],
                    Long.parseLong(f[1]),
                    Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]),
                    Long.parseLong(f[5]),
                    Integer.parseInt(f[6])));
        }
        return ticks;
    }

    public static List<Candle> expectedM1(final String fixture) {
        final List<Candle> candles = new ArrayList<>();
        for (final String[] f : rows(dataDir().resolve(fixture + "_expected_M1.csv"))) {
            candles.add(new Candle(
                    f[0],
                    f[1],
                    Long.parseLong(f[2]),
                    Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]),
                    Double.parseDouble(f[5]),
                    Double.parseDouble(f[6]),
                    Long.parseLong(f[7])));
        }
        return candles;
    }

    private static List<String[]> rows(final Path file) {
        try {
            final List<String> lines = Files.readAllLines(file);
            final List<String[]> rows = new ArrayList<>();
            for (final String line : lines.subList(1, lines.size())) {
                if (!line.isBlank()) {
                    rows.add(line.split(","));
                }
            }
            return rows;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
