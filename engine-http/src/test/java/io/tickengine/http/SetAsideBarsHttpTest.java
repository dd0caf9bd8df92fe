package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.Settle;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.core.testsupport.TimescaleDb;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A bar the database refuses for its data (here a trigger that refuses one symbol with a check violation) would fail
 * its batch on every retry and hold back every later bar. It is set aside in {@code engine_rejected_bars}, logged,
 * counted and reported by {@code /health}, while the rest of every batch, and every later batch, is written: the
 * other symbol's candles stay exact and the writer is never down.
 */
class SetAsideBarsHttpTest {
    private static final String FIXTURE = "EURUSD_20260713";
    private static final String REFUSED = "BADSYM";

    abstract static class Scenarios extends StoreScenarios {
        Scenarios(final PgDatabase database) {
            super(database);
        }

        /** Makes the database refuse every bar of {@link #REFUSED}. */
        abstract void refuseSymbol() throws Exception;

        abstract Connection connect() throws Exception;

        @Test
        void shouldSetAsideRefusedBarsWhileTheRestOfEveryBatchIsWritten() throws Exception {
            final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
            final String symbol = ticks.get(0).symbol();
            final int half = ticks.size() / 2;
            try (HttpFixture http = new HttpFixture(dataDir, dbUrl())) {
                post(http, ticks, 0, half);
                Settle.await(http.server.engine(), 30_000);
                final String refusedBefore = http.candlesM1(REFUSED);
                refuseSymbol();

                // Each batch holds both symbols: every batch from here on has bars the database refuses.
                post(http, ticks, half, ticks.size());
                Settle.await(http.server.engine(), 60_000);

                assertEquals(HttpFixture.expectedM1(FIXTURE), http.candlesM1(symbol), "the other symbol is exact");
                assertEquals(refusedBefore, http.candlesM1(REFUSED), "no bar of the refused symbol is stored since");
                final long setAside =
                        http.server.engine().metrics().barsSetAside.get();
                assertTrue(setAside > 0, "bars were set aside");
                assertEquals(0, http.server.engine().metrics().storeErrors.get(), "never retried as a store down");
                assertEquals(1, http.server.engine().metrics().storeUp.get());

                final HttpResponse<String> health = http.get("/health", null);
                assertEquals(200, health.statusCode(), health.body());
                assertTrue(health.body().contains("\"barsSetAside\":" + setAside), health.body());
                assertTrue(health.body().contains("set aside in engine_rejected_bars"), health.body());
                final HttpResponse<String> metrics = http.get("/metrics", HttpFixture.READ_KEY);
                assertEquals(
                        (double) setAside,
                        PromText.parse(metrics.body()).get(PromText.key("tick_bars_set_aside_total")),
                        metrics.body());

                try (Connection c = connect();
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT symbol), min(symbol),"
                                + " min(reason) FROM engine_rejected_bars")) {
                    rs.next();
                    // One row per bar, its newest version; each version refused was counted.
                    assertTrue(rs.getLong(1) > 0 && rs.getLong(1) <= setAside, "bars kept: " + rs.getLong(1));
                    assertEquals(1, rs.getLong(2));
                    assertEquals(REFUSED, rs.getString(3));
                    assertTrue(rs.getString(4).contains("refused by a test trigger"), rs.getString(4));
                }
            }
        }

        private static void post(final HttpFixture http, final List<TickFiles.Tick> ticks, final int from, final int to)
                throws Exception {
            for (int start = from; start < to; start += 200) {
                final int end = Math.min(to, start + 200);
                final List<TickFiles.Tick> both = new ArrayList<>(ticks.subList(start, end));
                for (final TickFiles.Tick t : ticks.subList(start, end)) {
                    both.add(new TickFiles.Tick(
                            REFUSED, t.timeMsc(), t.bid(), t.ask(), t.last(), t.volume(), t.flags()));
                }
                final HttpResponse<String> r = http.post(
                        "/ingest/tick", "application/json", HttpFixture.jsonArray(both, 0, both.size(), null));
                assertEquals(202, r.statusCode(), r.body());
            }
        }
    }

    @Nested
    class OnSqlite extends Scenarios {
        OnSqlite() {
            super(null);
        }

        @Override
        Connection connect() throws Exception {
            return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("tick-engine.db"));
        }

        @Override
        void refuseSymbol() throws Exception {
            try (Connection c = connect();
                    Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("CREATE TRIGGER refuse_symbol BEFORE INSERT ON market_data WHEN NEW.symbol = '" + REFUSED
                        + "' BEGIN SELECT RAISE(ABORT, 'bar refused by a test trigger'); END");
            }
        }
    }

    @Nested
    @ExtendWith(PostgresExtension.class)
    class OnPostgres extends Scenarios {
        OnPostgres(final PgDatabase database) {
            super(database);
        }

        @Override
        Connection connect() throws Exception {
            return database().connect();
        }

        @Override
        void refuseSymbol() throws Exception {
            try (Connection c = database().connect();
                    Statement s = c.createStatement()) {
                s.execute("CREATE OR REPLACE FUNCTION refuse_symbol() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.symbol = '" + REFUSED + "' THEN RAISE EXCEPTION 'bar refused by a test trigger'"
                        + " USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$");
                s.execute("CREATE TRIGGER refuse_symbol BEFORE INSERT OR UPDATE ON market_data FOR EACH ROW"
                        + " EXECUTE FUNCTION refuse_symbol()");
            }
        }
    }

    /** The same on TimescaleDB, with every chunk compressed first: the refused batches write into them. */
    @Nested
    @TimescaleDb
    class OnTimescale extends OnPostgres {
        OnTimescale(final PgDatabase database) {
            super(database);
        }

        @Override
        void refuseSymbol() throws Exception {
            try (Connection c = database().connect();
                    Statement s = c.createStatement()) {
                s.execute("SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks('market_data') c");
            }
            super.refuseSymbol();
        }
    }
}
