package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.Settle;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.core.testsupport.TimescaleDb;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * History sent after live ticks (BackfillHistory after TickCollector, an edge agent catching up after an outage):
 * the bars the late ticks fall in are rebuilt from the tick store, so the candles are exact, and {@code GET /ticks}
 * returns every accepted tick once.
 */
class HistoryAfterLiveHttpTest {
    static List<String> fixtures() {
        return TickFiles.FIXTURES;
    }

    abstract static class Scenarios extends StoreScenarios {
        Scenarios(final PgDatabase database) {
            super(database);
        }

        /** Runs once the live ticks are stored, before the history is sent. */
        void afterLiveTicks() throws Exception {}

        @ParameterizedTest
        @MethodSource("io.tickengine.http.HistoryAfterLiveHttpTest#fixtures")
        void shouldBuildExactCandlesFromHistorySentAfterLiveTicks(final String fixture) throws Exception {
            final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
            final int split = ticks.size() * 2 / 3;
            try (HttpFixture http = new HttpFixture(dataDir, dbUrl())) {
                // Live: the EA's ticks from the split on, numbered by its source.
                postInBatches(http, ticks, split, ticks.size(), "ea-live", 250);
                Settle.await(http.server.engine(), 30_000);
                afterLiveTicks();
                // Then the history before it, from a backfill script with a source of its own.
                postInBatches(http, ticks, 0, split, "backfill", 500);
                Settle.await(http.server.engine(), 60_000);

                assertTrue(
                        http.server.engine().metrics().ticksLate.get() > 0, "the history came too late for its bars");
                // Counted just after the rebuild's transaction commits: wait for the count, not only the bars.
                final long deadlineNs = System.nanoTime() + 10_000_000_000L;
                while (http.server.engine().metrics().barsRebuilt.get() == 0 && System.nanoTime() - deadlineNs < 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
                }
                assertTrue(http.server.engine().metrics().barsRebuilt.get() > 0, "its bars were rebuilt");
                assertEquals(
                        HttpFixture.expectedM1(fixture),
                        http.candlesM1(ticks.get(0).symbol()));
                Candles.assertHigherTimeframesMatchM1(
                        http.server.engine().store(),
                        ticks.get(0).symbol(),
                        http.server.engine().context().timeframes(),
                        0);
                assertEquals(
                        HttpFixture.ticksCsv(ticks), http.ticksCsv(ticks.get(0).symbol()));
            }
        }

        @ParameterizedTest
        @MethodSource("io.tickengine.http.HistoryAfterLiveHttpTest#fixtures")
        void shouldKeepCandlesExactWhenTheHistoryIsResentWithItsSeqs(final String fixture) throws Exception {
            final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
            final int split = ticks.size() / 2;
            try (HttpFixture http = new HttpFixture(dataDir, dbUrl())) {
                postInBatches(http, ticks, split, ticks.size(), "ea-live", 250);
                postInBatches(http, ticks, 0, split, "backfill", 500);
                // A retry of the whole backfill: every tick is a duplicate, nothing is counted twice.
                postInBatches(http, ticks, 0, split, "backfill", 500);
                Settle.await(http.server.engine(), 60_000);

                assertEquals(
                        split, http.server.engine().metrics().ticksDuplicate.get());
                assertEquals(
                        HttpFixture.expectedM1(fixture),
                        http.candlesM1(ticks.get(0).symbol()));
                assertEquals(
                        HttpFixture.ticksCsv(ticks), http.ticksCsv(ticks.get(0).symbol()));
            }
        }

        private static void postInBatches(
                final HttpFixture http,
                final List<TickFiles.Tick> ticks,
                final int from,
                final int to,
                final String source,
                final int batch)
                throws Exception {
            for (int start = from; start < to; start += batch) {
                final int end = Math.min(to, start + batch);
                final HttpResponse<String> r =
                        http.post("/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, start, end, source));
                assertEquals(202, r.statusCode(), r.body());
            }
        }
    }

    @Nested
    class OnSqlite extends Scenarios {
        OnSqlite() {
            super(null);
        }
    }

    @Nested
    @ExtendWith(PostgresExtension.class)
    class OnPostgres extends Scenarios {
        OnPostgres(final PgDatabase database) {
            super(database);
        }
    }

    /** The same scenarios on TimescaleDB: {@code market_data} and {@code ticks} are hypertables. */
    @Nested
    @TimescaleDb
    class OnTimescale extends OnPostgres {
        OnTimescale(final PgDatabase database) {
            super(database);
        }

        /**
         * Every chunk compressed: the history's ticks, late bars and rebuilds all write into compressed chunks. The
         * compression policies may have compressed some already (the fixtures are older than their intervals).
         */
        @Override
        void afterLiveTicks() throws Exception {
            try (Connection c = database().connect();
                    Statement s = c.createStatement()) {
                for (final String table : List.of("market_data", "ticks")) {
                    final List<String> chunks = new java.util.ArrayList<>();
                    try (ResultSet rs = s.executeQuery("SELECT c::text FROM show_chunks('" + table + "') c")) {
                        while (rs.next()) {
                            chunks.add(rs.getString(1));
                        }
                    }
                    for (final String chunk : chunks) {
                        try {
                            s.execute("SELECT compress_chunk('" + chunk + "'::regclass, if_not_compressed => true)");
                        } catch (final java.sql.SQLException e) {
                            // The compression policy's job may compress the same chunk at the same moment.
                            if (e.getMessage() == null || !e.getMessage().contains("already compressed")) {
                                throw e;
                            }
                        }
                    }
                    try (ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE is_compressed)"
                            + " FROM timescaledb_information.chunks WHERE hypertable_name = '" + table + "'")) {
                        rs.next();
                        assertTrue(rs.getLong(1) > 0, table + " has chunks");
                        assertEquals(rs.getLong(1), rs.getLong(2), table + ": every chunk compressed");
                    }
                }
            }
        }
    }
}
