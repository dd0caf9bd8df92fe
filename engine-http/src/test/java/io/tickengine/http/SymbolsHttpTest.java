package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TickFiles;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /symbols} and {@code GET /symbols} over HTTP on SQLite and PostgreSQL: a round trip, the canonical-name
 * map found from both ends, candles of a 5-digit symbol at 5 digits with the spread in points, and bad entries refused
 * with the field named and nothing stored.
 */
class SymbolsHttpTest {
    private static final String EURUSD_M = "{\"name\":\"EURUSD.m\",\"canonical\":\"EURUSD\",\"digits\":5,"
            + "\"point\":0.00001,\"tick_size\":0.00001,\"contract_size\":100000,\"currency_base\":\"EUR\","
            + "\"currency_profit\":\"USD\",\"currency_margin\":\"EUR\",\"description\":\"Euro vs \\\"US\\\" Dollar\"}";
    private static final String EURUSD_M_BACK = "{\"name\":\"EURUSD.m\",\"canonical\":\"EURUSD\",\"digits\":5,"
            + "\"point\":1.0E-5,\"tick_size\":1.0E-5,\"contract_size\":100000.0,\"currency_base\":\"EUR\","
            + "\"currency_profit\":\"USD\",\"currency_margin\":\"EUR\",\"description\":\"Euro vs \\\"US\\\" Dollar\"}";
    private static final Pattern CANDLE =
            Pattern.compile("\"open\":([^,]+),\"high\":([^,]+),\"low\":([^,]+),\"close\":([^,]+),.*?\"spread\":([^,]+),"
                    + "\"spread_points\":([^}]+)}");

    private static final Pattern BID = Pattern.compile("\"bid\":([^,]+),");

    abstract static class Scenarios extends StoreScenarios {
        Scenarios(final PgDatabase database) {
            super(database);
        }

        @Test
        void shouldRoundTripSymbolsAndResolveTheSuffixMapBothWays() throws Exception {
            try (HttpFixture http = new HttpFixture(dataDir, dbUrl())) {
                final HttpResponse<String> stored = postSymbols(
                        http,
                        "[" + EURUSD_M
                                + ",{\"name\":\"XAUUSD-\",\"canonical\":\"XAUUSD\",\"digits\":2,\"point\":0.01}]");
                assertEquals(200, stored.statusCode(), stored.body());
                assertEquals("{\"stored\":2}", stored.body());

                final HttpResponse<String> all = http.get("/symbols", HttpFixture.READ_KEY);
                assertEquals(200, all.statusCode(), all.body());
                assertEquals(
                        "[" + EURUSD_M_BACK + ",{\"name\":\"XAUUSD-\",\"canonical\":\"XAUUSD\",\"digits\":2,"
                                + "\"point\":0.01,\"tick_size\":null,\"contract_size\":null,\"currency_base\":null,"
                                + "\"currency_profit\":null,\"currency_margin\":null,\"description\":null}]",
                        all.body());
                for (final String name : List.of("EURUSD", "EURUSD.m")) {
                    final HttpResponse<String> one = http.get("/symbols?symbol=" + name, HttpFixture.READ_KEY);
                    assertEquals("[" + EURUSD_M_BACK + "]", one.body(), "found by " + name);
                }
            }
            // Stored, not only remembered: a restarted engine knows them.
            try (HttpFixture http = new HttpFixture(dataDir, dbUrl())) {
                assertEquals(
                        "[" + EURUSD_M_BACK + "]",
                        http.get("/symbols?symbol=EURUSD", HttpFixture.READ_KEY).body());
            }
        }

        @Test
        void shouldServeCandlesOfAFiveDigitSymbolAtFiveDigitsWithTheSpreadInPoints() throws Exception {
            final List<TickFiles.Tick> ticks = TickFiles.ticks("EURUSD_20260713");
            try (HttpFixture http = new HttpFixture(dataDir, dbUrl())) {
                assertEquals(200, postSymbols(http, EURUSD_M).statusCode());
                final HttpResponse<String> posted = http.post(
                        "/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, 0, ticks.size(), null));
                assertEquals(202, posted.statusCode(), posted.body());
                http.awaitCommitted();

                // The broker name finds the candles stored under the canonical one.
                final String byBroker = http.get("/candles?symbol=EURUSD.m&tf=M1&limit=1000", HttpFixture.READ_KEY)
                        .body();
                final String byCanonical = http.get("/candles?symbol=EURUSD&tf=M1&limit=1000", HttpFixture.READ_KEY)
                        .body();
                assertEquals(byCanonical, byBroker);
                final Matcher m = CANDLE.matcher(byCanonical);
                int candles = 0;
                while (m.find()) {
                    candles++;
                    for (int g = 1; g <= 4; g++) {
                        assertTrue(new BigDecimal(m.group(g)).scale() <= 5, "5 digits: " + m.group(0));
                    }
                    final double spread = Double.parseDouble(m.group(5));
                    assertEquals(Math.round(spread / 0.00001), Long.parseLong(m.group(6)), m.group(0));
                }
                assertEquals(TickFiles.expectedM1("EURUSD_20260713").size(), candles, byCanonical);
                assertEquals(HttpFixture.expectedM1("EURUSD_20260713"), http.candlesM1("EURUSD"));

                final String ticksBody = http.get("/ticks?symbol=EURUSD.m&limit=100000", HttpFixture.READ_KEY)
                        .body();
                final Matcher bid = BID.matcher(ticksBody);
                int stored = 0;
                while (bid.find()) {
                    stored++;
                    assertTrue(new BigDecimal(bid.group(1)).scale() <= 5, "5 digits: " + bid.group(0));
                }
                assertEquals(ticks.size(), stored, "every tick found by the broker name");
            }
        }

        @Test
        void shouldRefuseBadEntriesNamingTheFieldAndStoreNothing() throws Exception {
            try (HttpFixture http = new HttpFixture(dataDir, dbUrl())) {
                assertEquals(200, postSymbols(http, EURUSD_M).statusCode());
                assertRefused(http, "{\"name\":\"GBPUSD\",\"digits\":11,\"point\":1e-11}", "digits");
                assertRefused(http, "{\"name\":\"GBPUSD\",\"digits\":-1,\"point\":1}", "digits");
                assertRefused(http, "{\"name\":\"GBPUSD\",\"digits\":5,\"point\":0.0001}", "point");
                // Two broker names, one canonical name, different digits: in one request, and against a stored one.
                assertRefused(
                        http,
                        "[{\"name\":\"GBPUSD\",\"digits\":5,\"point\":0.00001},"
                                + "{\"name\":\"GBPUSD.m\",\"canonical\":\"GBPUSD\",\"digits\":3,\"point\":0.001}]",
                        "digits");
                assertRefused(
                        http,
                        "[{\"name\":\"GBPUSD\",\"digits\":5,\"point\":0.00001},"
                                + "{\"name\":\"EURUSDm\",\"canonical\":\"EURUSD\",\"digits\":4,\"point\":0.0001}]",
                        "digits");
                assertEquals(
                        "[" + EURUSD_M_BACK + "]",
                        http.get("/symbols", HttpFixture.READ_KEY).body());
                assertEquals(
                        403, http.get("/symbols", HttpFixture.INGEST_KEY).statusCode(), "reading needs the read scope");
            }
        }
    }

    private static HttpResponse<String> postSymbols(final HttpFixture http, final String body) throws Exception {
        return http.post("/symbols", "application/json", body);
    }

    private static void assertRefused(final HttpFixture http, final String body, final String field) throws Exception {
        final HttpResponse<String> r = postSymbols(http, body);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"field\":\"" + field + "\""), r.body());
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
}
