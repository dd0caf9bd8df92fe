package io.tickengine.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.features.FeatureReference.Bar;
import io.tickengine.core.features.FeatureReference.Features;
import io.tickengine.core.features.FeatureReference.Label;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.Feeder;
import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code features_m1}, {@code labels_m1} and {@code trainset_m1} over the candles of the real tick files, run against
 * each store: every value equals what {@link FeatureReference} computes in Java, and no value looks ahead.
 *
 * <p>Both fixtures are ingested into one store through a real engine, so two symbols share the tables (and the
 * engine's higher timeframes share them too): a window that leaked across symbols or timeframes would show.
 */
abstract class AbstractFeaturesViewsTest {
    private static final double RELATIVE_TOLERANCE = 1e-9;
    private static final List<String> FEATURE_COLUMNS = List.of(
            "symbol",
            "open_time",
            "open_time_msc",
            "close",
            "ret_1",
            "ret_5",
            "ret_15",
            "vol_20",
            "rsi_14",
            "ma_ratio_10",
            "ma_ratio_30",
            "hour_of_day");
    private static final List<String> LABEL_COLUMNS =
            List.of("symbol", "open_time", "open_time_msc", "close", "fwd_ret_5", "label");

    @TempDir
    Path dataDir;

    /** @return the store URL, {@code null} for the embedded SQLite default. */
    abstract String dbUrl();

    /** Opens a JDBC connection to the store the engine wrote. */
    abstract Connection connect() throws SQLException;

    /** A predicate on {@code market_data.open_time} equal to one epoch-millisecond parameter. */
    abstract String openTimeIs();

    /** Inserts one M1 bar with every price equal to the close; parameters: symbol, open time (ms), close. */
    abstract String insertM1Sql();

    /** Empties the store before a test (the engine creates the schema again). */
    abstract void resetStore() throws SQLException;

    private EngineContext context() {
        final EngineContext context = new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("ring.size", "4096")
                .set("ring.max.batch", "1024")
                .set("writer.flush.interval.ms", "20")
                .set("writer.batch.size", "500")
                .set("db.connect.timeout.ms", "500")
                .set("shutdown.timeout.ms", "20000");
        if (dbUrl() != null) {
            context.set("db.url", dbUrl());
        }
        return context;
    }

    @BeforeEach
    void ingestTheRealTickFiles() throws Exception {
        resetStore();
        long sent = 0;
        try (TickEngine engine = TickEngine.start(context())) {
            final Feeder feeder = new Feeder(engine);
            for (final String fixture : TickFiles.FIXTURES) {
                final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
                feeder.feed(ticks, 0, ticks.size(), 100, null, 0);
                sent += ticks.size();
            }
            assertEquals(sent, feeder.accepted.get());
        }
        // Opening the store applies every schema script a second time: the view scripts must be idempotent.
        try (CandleStore store = Stores.openStore(context())) {
            for (final String fixture : TickFiles.FIXTURES) {
                Candles.assertExpectedM1(store, fixture);
            }
        }
    }

    @Test
    void shouldExposeTheDocumentedColumns() throws Exception {
        final List<String> trainset = new ArrayList<>(FEATURE_COLUMNS);
        trainset.addAll(LABEL_COLUMNS.subList(4, LABEL_COLUMNS.size()));
        try (Connection c = connect()) {
            assertEquals(FEATURE_COLUMNS, columns(c, "features_m1"));
            assertEquals(LABEL_COLUMNS, columns(c, "labels_m1"));
            assertEquals(trainset, columns(c, "trainset_m1"));
        }
    }

    @Test
    void shouldComputeEveryFeatureAsJavaDoesFromTheRealCandles() throws Exception {
        try (Connection c = connect()) {
            int bars = 0;
            for (final String fixture : TickFiles.FIXTURES) {
                final String symbol = symbol(fixture);
                final List<Bar> expected = expectedBars(fixture);
                bars += expected.size();
                assertFeatures(symbol, FeatureReference.features(expected), readFeatures(c, "features_m1", symbol));
            }
            assertEquals(bars, count(c, "features_m1"), "one row per M1 bar, no other timeframe");
        }
    }

    @Test
    void shouldComputeEveryLabelAsJavaDoesFromTheRealCandles() throws Exception {
        try (Connection c = connect()) {
            int bars = 0;
            for (final String fixture : TickFiles.FIXTURES) {
                final String symbol = symbol(fixture);
                final List<Bar> expected = expectedBars(fixture);
                bars += expected.size();
                assertLabels(symbol, FeatureReference.labels(expected), readLabels(c, "labels_m1", symbol));
            }
            assertEquals(bars, count(c, "labels_m1"), "one row per M1 bar, no other timeframe");
        }
    }

    @Test
    void shouldKeepOnlyCompleteRowsAndNoneOfTheLastFiveBarsInTheTrainset() throws Exception {
        try (Connection c = connect()) {
            int rows = 0;
            for (final String fixture : TickFiles.FIXTURES) {
                final String symbol = symbol(fixture);
                final List<Bar> bars = expectedBars(fixture);
                final List<Features> features = FeatureReference.features(bars);
                final List<Label> labels = FeatureReference.labels(bars);
                final List<Features> expectedFeatures = new ArrayList<>();
                final List<Label> expectedLabels = new ArrayList<>();
                for (int t = 0; t < bars.size(); t++) {
                    if (features.get(t).complete() && labels.get(t).fwdRet5() != null) {
                        expectedFeatures.add(features.get(t));
                        expectedLabels.add(labels.get(t));
                    }
                }
                // Bar 29 is the first with 30 closes for ma_ratio_30; the last 5 bars have no label.
                assertEquals(bars.size() - 29 - FeatureReference.HORIZON, expectedFeatures.size());
                assertFeatures(symbol, expectedFeatures, readFeatures(c, "trainset_m1", symbol));
                assertLabels(symbol, expectedLabels, readLabels(c, "trainset_m1", symbol));

                final long firstUnlabelled =
                        bars.get(bars.size() - FeatureReference.HORIZON).openTimeMsc();
                try (PreparedStatement s =
                        c.prepareStatement("SELECT max(open_time_msc) FROM trainset_m1 WHERE symbol = ?")) {
                    s.setString(1, symbol);
                    try (ResultSet r = s.executeQuery()) {
                        assertTrue(r.next());
                        assertTrue(r.getLong(1) < firstUnlabelled, "a bar without a full horizon ahead");
                    }
                }
                rows += expectedFeatures.size();
            }
            assertEquals(rows, count(c, "trainset_m1"));
            assertNoNulls(c, "trainset_m1");
        }
    }

    @Test
    void shouldNeverChangeFeaturesOfABarWhenALaterCandleChanges() throws Exception {
        try (Connection c = connect()) {
            for (final String fixture : TickFiles.FIXTURES) {
                final String symbol = symbol(fixture);
                final List<Bar> bars = expectedBars(fixture);
                final List<Features> before = readFeatures(c, "features_m1", symbol);
                for (int j = 1; j < bars.size(); j++) {
                    final Bar changed = bars.get(j);
                    setClose(c, symbol, changed.openTimeMsc(), changed.close() * 1.01);
                    final List<Features> after = readFeatures(c, "features_m1", symbol);
                    assertEquals(before.subList(0, j), after.subList(0, j), "features before a changed bar " + j);
                    assertNotEquals(before.get(j), after.get(j), "the change shows at bar " + j);
                    setClose(c, symbol, changed.openTimeMsc(), changed.close());
                }
                assertEquals(before, readFeatures(c, "features_m1", symbol), "every close restored");
            }
        }
    }

    @Test
    void shouldNeverChangeTheLabelOfABarWhenAnEarlierCandleChanges() throws Exception {
        try (Connection c = connect()) {
            for (final String fixture : TickFiles.FIXTURES) {
                final String symbol = symbol(fixture);
                final List<Bar> bars = expectedBars(fixture);
                final List<Label> before = readLabels(c, "labels_m1", symbol);
                for (int j = 0; j < bars.size() - 1; j++) {
                    final Bar changed = bars.get(j);
                    setClose(c, symbol, changed.openTimeMsc(), changed.close() * 1.01);
                    final List<Label> after = readLabels(c, "labels_m1", symbol);
                    assertEquals(
                            before.subList(j + 1, bars.size()),
                            after.subList(j + 1, bars.size()),
                            "labels after a changed bar " + j);
                    if (j + FeatureReference.HORIZON < bars.size()) {
                        assertNotEquals(before.get(j), after.get(j), "the change shows at bar " + j);
                    }
                    setClose(c, symbol, changed.openTimeMsc(), changed.close());
                }
                assertEquals(before, readLabels(c, "labels_m1", symbol), "every close restored");
            }
        }
    }

    @Test
    void shouldCountBarsNotMinutesWhenABarIsMissing() throws Exception {
        try (Connection c = connect()) {
            for (final String fixture : TickFiles.FIXTURES) {
                final String symbol = symbol(fixture);
                final List<Bar> bars = new ArrayList<>(expectedBars(fixture));
                final int missing = 30;
                try (PreparedStatement s = c.prepareStatement(
                        "DELETE FROM market_data WHERE symbol = ?" + " AND timeframe = 'M1' AND " + openTimeIs())) {
                    s.setString(1, symbol);
                    s.setLong(2, bars.get(missing).openTimeMsc());
                    assertEquals(1, s.executeUpdate());
                }
                bars.remove(missing);

                final List<Features> features = readFeatures(c, "features_m1", symbol);
                // The bar after the gap returns against the bar before it, two minutes earlier.
                assertClose(
                        symbol + " ret_1 across the gap",
                        Math.log(bars.get(missing).close()
                                / bars.get(missing - 1).close()),
                        features.get(missing).ret1());
                assertFeatures(symbol, FeatureReference.features(bars), features);
                assertLabels(symbol, FeatureReference.labels(bars), readLabels(c, "labels_m1", symbol));
            }
        }
    }

    @Test
    void shouldFollowTheRulesForShortHistoriesAndFlatOrSteadilyRisingPrices() throws Exception {
        final long startMsc = 1_700_000_000_000L - 1_700_000_000_000L % 60_000L;
        final List<Bar> steady = new ArrayList<>();
        for (int t = 0; t < 45; t++) {
            steady.add(new Bar(startMsc + t * 60_000L, t < 25 ? 100.0 : 100.0 + (t - 24)));
        }
        final List<Bar> shortHistory = steady.subList(0, 3);
        try (Connection c = connect()) {
            insert(c, "STEADY", steady);
            insert(c, "SHORT", shortHistory);

            final List<Features> features = readFeatures(c, "features_m1", "STEADY");
            assertFeatures("STEADY", FeatureReference.features(steady), features);
            assertLabels("STEADY", FeatureReference.labels(steady), readLabels(c, "labels_m1", "STEADY"));
            // Bars 5..24 have a return of exactly 0: no spread, no gain, no loss.
            assertEquals(0.0, features.get(24).vol20());
            assertEquals(100.0, features.get(24).rsi14(), "no losses: 100, even when flat");
            assertEquals(100.0, features.get(44).rsi14(), "only gains: 100");
            assertEquals(0, readLabels(c, "labels_m1", "STEADY").get(0).label(), "flat ahead: label 0");

            final List<Features> shortFeatures = readFeatures(c, "features_m1", "SHORT");
            assertFeatures("SHORT", FeatureReference.features(shortHistory), shortFeatures);
            for (final Features row : shortFeatures) {
                assertTrue(row.vol20() == null && row.rsi14() == null && row.maRatio10() == null, row::toString);
            }
            assertEquals(0, countOf(c, "trainset_m1", "SHORT"));
        }
    }

    private void insert(final Connection c, final String symbol, final List<Bar> bars) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(insertM1Sql())) {
            for (final Bar bar : bars) {
                s.setString(1, symbol);
                s.setLong(2, bar.openTimeMsc());
                s.setDouble(3, bar.close());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static int countOf(final Connection c, final String view, final String symbol) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + view + " WHERE symbol = ?")) {
            s.setString(1, symbol);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next());
                return r.getInt(1);
            }
        }
    }

    private static String symbol(final String fixture) {
        return fixture.substring(0, fixture.indexOf('_'));
    }

    private static List<Bar> expectedBars(final String fixture) {
        final List<Bar> bars = new ArrayList<>();
        for (final TickFiles.Candle candle : TickFiles.expectedM1(fixture)) {
            bars.add(new Bar(candle.openTimeMsc(), candle.close()));
        }
        return bars;
    }

    private void setClose(final Connection c, final String symbol, final long openTimeMsc, final double close)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE market_data SET close = ? WHERE symbol = ? AND timeframe = 'M1' AND " + openTimeIs())) {
            s.setDouble(1, close);
            s.setString(2, symbol);
            s.setLong(3, openTimeMsc);
            assertEquals(1, s.executeUpdate());
        }
    }

    private static List<String> columns(final Connection c, final String view) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT * FROM " + view + " WHERE 1 = 0");
                ResultSet r = s.executeQuery()) {
            final ResultSetMetaData meta = r.getMetaData();
            final List<String> names = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                names.add(meta.getColumnName(i));
            }
            return names;
        }
    }

    private static int count(final Connection c, final String view) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + view);
                ResultSet r = s.executeQuery()) {
            assertTrue(r.next());
            return r.getInt(1);
        }
    }

    private static void assertNoNulls(final Connection c, final String view) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT * FROM " + view);
                ResultSet r = s.executeQuery()) {
            final ResultSetMetaData meta = r.getMetaData();
            while (r.next()) {
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    final String column = meta.getColumnName(i);
                    assertNotNull(r.getObject(i), () -> "NULL in " + view + " [column=" + column + "]");
                }
            }
        }
    }

    private static List<Features> readFeatures(final Connection c, final String view, final String symbol)
            throws SQLException {
        final List<Features> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT open_time_msc, close, ret_1, ret_5, ret_15, vol_20,"
                + " rsi_14, ma_ratio_10, ma_ratio_30, hour_of_day FROM " + view
                + " WHERE symbol = ? ORDER BY open_time")) {
            s.setString(1, symbol);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new Features(
                            r.getLong("open_time_msc"),
                            r.getDouble("close"),
                            nullableDouble(r, "ret_1"),
                            nullableDouble(r, "ret_5"),
                            nullableDouble(r, "ret_15"),
                            nullableDouble(r, "vol_20"),
                            nullableDouble(r, "rsi_14"),
                            nullableDouble(r, "ma_ratio_10"),
                            nullableDouble(r, "ma_ratio_30"),
                            r.getInt("hour_of_day")));
                }
            }
        }
        return rows;
    }

    private static List<Label> readLabels(final Connection c, final String view, final String symbol)
            throws SQLException {
        final List<Label> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT open_time_msc, close, fwd_ret_5, label FROM " + view
                + " WHERE symbol = ? ORDER BY open_time")) {
            s.setString(1, symbol);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    final long openTimeMsc = r.getLong("open_time_msc");
                    final double close = r.getDouble("close");
                    final Double forward = nullableDouble(r, "fwd_ret_5");
                    final int label = r.getInt("label");
                    rows.add(new Label(openTimeMsc, close, forward, r.wasNull() ? null : label));
                }
            }
        }
        return rows;
    }

    private static Double nullableDouble(final ResultSet r, final String column) throws SQLException {
        final double value = r.getDouble(column);
        return r.wasNull() ? null : value;
    }

    private static void assertFeatures(
            final String symbol, final List<Features> expected, final List<Features> actual) {
        assertEquals(expected.size(), actual.size(), symbol + " rows");
        for (int t = 0; t < expected.size(); t++) {
            final Features e = expected.get(t);
            final Features a = actual.get(t);
            final String at = "[symbol=" + symbol + ", bar=" + t + ", open_time_msc=" + e.openTimeMsc() + ", column=";
            assertEquals(e.openTimeMsc(), a.openTimeMsc(), at + "open_time_msc]");
            assertEquals(e.close(), a.close(), at + "close]");
            assertClose(at + "ret_1]", e.ret1(), a.ret1());
            assertClose(at + "ret_5]", e.ret5(), a.ret5());
            assertClose(at + "ret_15]", e.ret15(), a.ret15());
            assertClose(at + "vol_20]", e.vol20(), a.vol20());
            assertClose(at + "rsi_14]", e.rsi14(), a.rsi14());
            assertClose(at + "ma_ratio_10]", e.maRatio10(), a.maRatio10());
            assertClose(at + "ma_ratio_30]", e.maRatio30(), a.maRatio30());
            assertEquals(e.hourOfDay(), a.hourOfDay(), at + "hour_of_day]");
        }
    }

    private static void assertLabels(final String symbol, final List<Label> expected, final List<Label> actual) {
        assertEquals(expected.size(), actual.size(), symbol + " rows");
        for (int t = 0; t < expected.size(); t++) {
            final Label e = expected.get(t);
            final Label a = actual.get(t);
            final String at = "[symbol=" + symbol + ", bar=" + t + ", open_time_msc=" + e.openTimeMsc() + ", column=";
            assertEquals(e.openTimeMsc(), a.openTimeMsc(), at + "open_time_msc]");
            assertEquals(e.close(), a.close(), at + "close]");
            assertClose(at + "fwd_ret_5]", e.fwdRet5(), a.fwdRet5());
            assertEquals(e.label(), a.label(), at + "label]");
        }
    }

    /** Equal NULL-ness; values within {@value #RELATIVE_TOLERANCE} of each other, relative to the larger. */
    private static void assertClose(final String what, final Double expected, final Double actual) {
        if (expected == null || actual == null) {
            assertEquals(expected, actual, what + " NULL-ness");
            return;
        }
        final double e = expected;
        final double a = actual;
        if (e != a && Math.abs(e - a) > RELATIVE_TOLERANCE * Math.max(Math.abs(e), Math.abs(a))) {
            fail(what + " [expected=" + e + ", actual=" + a + "]");
        }
    }
}
