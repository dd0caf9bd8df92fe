package io.tickengine.ml;

import io.tickengine.core.EngineContext;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.TickFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;

/**
 * The real 1-minute bars of {@code ../shared/data/bars/BTCALT_M1_2017.csv} (13,681 bars, with gaps) as M1 candles of
 * an engine's SQLite store: enough history for a model, unlike the one-hour tick fixtures.
 */
public final class RealBars {
    public static final String SYMBOL = "BTCALT";
    static final String FILE = "BTCALT_M1_2017.csv";
    /** The last day of the file, 2017-11-14 UTC, is the held-out period of the tests. */
    public static final long TEST_FROM_MSC = 1_510_617_600_000L;

    private RealBars() {}

    static Path file() {
        return TickFiles.dataDir().resolveSibling("bars").resolve(FILE);
    }

    /** Creates the engine's schema in {@code dataDir} and loads the bars, shifted by {@code shiftMsc}. */
    public static int loadInto(final Path dataDir, final long shiftMsc) throws Exception {
        try (CandleStore store = Stores.openStore(new EngineContext().set("data.dir", dataDir.toString()))) {
            store.describe();
        }
        final List<String> lines = lines();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("tick-engine.db"));
                PreparedStatement ps = c.prepareStatement("INSERT INTO market_data (symbol, timeframe, open_time,"
                        + " open, high, low, close, tick_volume, real_volume, updated_at)"
                        + " VALUES (?, 'M1', ?, ?, ?, ?, ?, 0, ?, 0)")) {
            c.setAutoCommit(false);
            for (final String line : lines) {
                final String[] f = line.split(",");
                ps.setString(1, SYMBOL);
                ps.setLong(2, Long.parseLong(f[0]) + shiftMsc);
                for (int i = 1; i <= 5; i++) {
                    ps.setDouble(2 + i, Double.parseDouble(f[i]));
                }
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
        return lines.size();
    }

    public static List<String> lines() throws IOException {
        final List<String> lines = Files.readAllLines(file());
        return lines.subList(1, lines.size());
    }
}
