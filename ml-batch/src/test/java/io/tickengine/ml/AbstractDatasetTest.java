package io.tickengine.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.testsupport.Feeder;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.ml.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * From the real tick files through a real engine to candles to {@code prepare}'s CSV: the CSV is {@code trainset_m1}
 * row for row, {@code prepare} runs beside a live engine, and changing a bar never changes an earlier bar's features
 * or a later bar's label.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractDatasetTest {
    static final String SYMBOL = "EURUSD";

    Path dataDir;
    Path work;

    /** @return the engine's {@code db.url}, {@code null} for its SQLite default. */
    abstract String dbUrl();

    abstract Connection connect() throws SQLException;

    /** @return {@code prepare}'s store options. */
    abstract List<String> storeArgs();

    /** A predicate on {@code market_data.open_time} equal to one epoch-millisecond parameter. */
    abstract String openTimeIs();

    EngineContext context() {
        final EngineContext context = new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("writer.flush.interval.ms", "20")
                .set("db.connect.timeout.ms", "500");
        if (dbUrl() != null) {
            context.set("db.url", dbUrl());
        }
        return context;
    }

    @BeforeAll
    void ingestTheRealTicksThroughTheEngine() throws Exception {
        dataDir = Files.createTempDirectory("ml-dataset-data");
        work = Files.createTempDirectory("ml-dataset-work");
        try (TickEngine engine = TickEngine.start(context())) {
            final Feeder feeder = new Feeder(engine);
            for (final String fixture : TickFiles.FIXTURES) {
                final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
                feeder.feed(ticks, 0, ticks.size(), 100, null, 0);
            }
        }
    }

    @AfterAll
    void deleteTheDirectories() throws Exception {
        TempFiles.delete(dataDir);
        TempFiles.delete(work);
    }

    @Test
    void shouldWriteTrainsetRowForRowWhileTheEngineRuns() throws Exception {
        final Path csv = work.resolve("live.csv");
        try (TickEngine running = TickEngine.start(context())) {
            Cli.run(prepare(csv)).ok();
            assertNotNull(running.store(), "the engine still runs on the same data directory");
        }
        final Dataset data = Dataset.readCsv(csv);
        final List<String> trainset = trainsetRows(data.features());
        assertEquals(26, trainset.size(), "bars 29 … 54 of the hour");
        assertEquals(trainset, rows(data));
    }

    @Test
    void shouldNeverLetAChangedBarReachEarlierFeaturesOrLaterLabels() throws Exception {
        final Path before = work.resolve("before.csv");
        Cli.run(prepare(before)).ok();
        final Dataset a = Dataset.readCsv(before);
        final int changedRow = a.rows() / 2;
        final long changedMsc = a.timeMsc(changedRow);
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("UPDATE market_data SET close = close * 1.002"
                        + " WHERE symbol = ? AND timeframe = 'M1' AND " + openTimeIs())) {
            ps.setString(1, SYMBOL);
            ps.setLong(2, changedMsc);
            assertEquals(1, ps.executeUpdate());
        }
        final Path after = work.resolve("after.csv");
        Cli.run(prepare(after)).ok();
        final Dataset b = Dataset.readCsv(after);
        assertEquals(a.rows(), b.rows());
        boolean featureChanged = false;
        for (int r = 0; r < a.rows(); r++) {
            final boolean past = a.timeMsc(r) < changedMsc;
            for (int f = 0; f < a.features().size(); f++) {
                if (past) {
                    assertEquals(
                            a.value(r, f),
                            b.value(r, f),
                            "feature " + a.features().get(f) + " of row " + r);
                } else if (a.value(r, f) != b.value(r, f)) {
                    featureChanged = true;
                }
            }
            if (a.timeMsc(r) > changedMsc) {
                assertEquals(a.label(r), b.label(r), "label of row " + r + " after the changed bar");
            }
        }
        assertTrue(featureChanged, "the change reaches the changed bar's own features");
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("UPDATE market_data SET close = close / 1.002"
                        + " WHERE symbol = ? AND timeframe = 'M1' AND " + openTimeIs())) {
            ps.setString(1, SYMBOL);
            ps.setLong(2, changedMsc);
            ps.executeUpdate();
        }
    }

    @Test
    void shouldRefuseASymbolWithoutCandlesAndWriteNothing() {
        final Path csv = work.resolve("none.csv");
        final List<String> args = new ArrayList<>(List.of(prepare(csv)));
        args.set(args.indexOf(SYMBOL), "GBPJPY");
        final Cli cli = Cli.run(args.toArray(new String[0]));
        assertEquals(2, cli.exitCode());
        assertTrue(cli.err().contains("no M1 candles for the symbol [symbol=GBPJPY]"), cli.err());
        assertTrue(!csv.toFile().exists());
    }

    @Test
    void shouldRefuseTooFewBars() {
        final Path csv = work.resolve("short.csv");
        final List<String> args = new ArrayList<>(List.of(prepare(csv)));
        args.addAll(List.of("--to", "2026-07-13T00:10"));
        final Cli cli = Cli.run(args.toArray(new String[0]));
        assertEquals(2, cli.exitCode(), cli.err());
        assertTrue(cli.err().contains("too few bars"), cli.err());
    }

    private String[] prepare(final Path csv) {
        final List<String> args = new ArrayList<>(List.of("prepare"));
        args.addAll(storeArgs());
        args.addAll(List.of("--symbol", SYMBOL, "--tf", "M1", "--out", csv.toString()));
        return args.toArray(new String[0]);
    }

    private List<String> trainsetRows(final List<String> features) throws SQLException {
        final List<String> rows = new ArrayList<>();
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("SELECT open_time_msc, symbol, " + String.join(", ", features)
                        + ", label FROM trainset_m1 WHERE symbol = ? ORDER BY open_time")) {
            ps.setString(1, SYMBOL);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    final StringBuilder row = new StringBuilder()
                            .append(rs.getLong(1))
                            .append(',')
                            .append(rs.getString(2));
                    for (int f = 0; f < features.size(); f++) {
                        row.append(',').append(rs.getDouble(3 + f));
                    }
                    rows.add(row.append(',')
                            .append(rs.getInt(3 + features.size()))
                            .toString());
                }
            }
        }
        return rows;
    }

    private static List<String> rows(final Dataset data) {
        final List<String> rows = new ArrayList<>();
        for (int r = 0; r < data.rows(); r++) {
            final StringBuilder row =
                    new StringBuilder().append(data.timeMsc(r)).append(',').append(data.symbol(r));
            for (int f = 0; f < data.features().size(); f++) {
                row.append(',').append(data.value(r, f));
            }
            rows.add(row.append(',').append(data.label(r)).toString());
        }
        assertNotEquals(0, rows.size());
        return rows;
    }
}
