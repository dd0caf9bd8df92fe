package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TickFiles;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real ticks over real HTTP on loopback give exactly the expected candles back from {@code GET /candles}. */
class HttpIngestCandlesTest {
    static List<String> fixtures() {
        return TickFiles.FIXTURES;
    }

    abstract static class Scenarios extends StoreScenarios {
        Scenarios(final PgDatabase database) {
            super(database);
        }

        @ParameterizedTest
        @MethodSource("io.tickengine.http.HttpIngestCandlesTest#fixtures")
        void shouldServeTheExpectedCandlesForTicksPostedInBatches(final String fixture) throws Exception {
            final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
            try (HttpFixture http = new HttpFixture(dataDir, dbUrl())) {
                final int third = ticks.size() / 3;
                // One third each as a JSON array, NDJSON and CSV, in batches of 250.
                for (int from = 0; from < ticks.size(); from += 250) {
                    final int to = Math.min(ticks.size(), from + 250);
                    final HttpResponse<String> r = from < third
                            ? http.post(
                                    "/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, from, to, null))
                            : from < 2 * third
                                    ? http.post(
                                            "/ingest/ticks",
                                            "application/x-ndjson",
                                            HttpFixture.ndjson(ticks, from, to))
                                    : http.post("/ingest/tick", "text/csv", HttpFixture.csv(ticks, from, to));
                    assertEquals(202, r.statusCode(), r.body());
                    assertEquals("{\"accepted\":" + (to - from) + ",\"duplicates\":0}", r.body());
                }
                http.awaitCommitted();
                assertEquals(
                        HttpFixture.expectedM1(fixture),
                        http.candlesM1(ticks.get(0).symbol()));
            }
        }

        @ParameterizedTest
        @MethodSource("io.tickengine.http.HttpIngestCandlesTest#fixtures")
        void shouldServeTheExpectedCandlesForOneTickPerRequest(final String fixture) throws Exception {
            final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
            try (HttpFixture http = new HttpFixture(dataDir, dbUrl())) {
                for (int i = 0; i < ticks.size(); i++) {
                    final HttpResponse<String> r = http.post(
                            "/ingest/tick", "application/json", HttpFixture.jsonObject(ticks.get(i), "ea-1", i + 1));
                    assertEquals(202, r.statusCode(), r.body());
                }
                http.awaitCommitted();
                assertEquals(
                        HttpFixture.expectedM1(fixture),
                        http.candlesM1(ticks.get(0).symbol()));
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
}
