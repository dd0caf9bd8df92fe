package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.Settle;
import io.tickengine.core.testsupport.TickFiles;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A symbol that stops ticking (weekend, taken off the EA) while others tick on: its last bar becomes final by the
 * market clock, so it neither stays open nor pins the journal for every restart.
 */
class SilentSymbolHttpTest {
    private static final String FIXTURE = "EURUSD_20260713";
    private static final long MINUTE = 60_000;
    /** Short bars only, so the symbol that keeps ticking holds few ticks in open bars itself. */
    private static final String TIMEFRAMES = "candles.timeframes=M1,M5";

    abstract static class Scenarios extends StoreScenarios {
        Scenarios(final PgDatabase database) {
            super(database);
        }

        @Test
        void shouldCloseTheLastBarOfASilentSymbolWhileOthersTickForHours() throws Exception {
            final List<TickFiles.Tick> all = TickFiles.ticks(FIXTURE);
            final long start = all.get(0).timeMsc() / MINUTE * MINUTE;
            final List<TickFiles.Tick> eurusd =
                    all.stream().filter(t -> t.timeMsc() < start + 5 * MINUTE).toList();
            final long gbpFrom = start + 5 * MINUTE;
            final int gbpTicks = 3 * 360; // three hours of market time, a tick every 10 s
            try (HttpFixture http = new HttpFixture(dataDir, dbUrl(), TIMEFRAMES)) {
                for (int from = 0; from < eurusd.size(); from += 250) {
                    final int to = Math.min(eurusd.size(), from + 250);
                    assertEquals(
                            202,
                            http.post("/ingest/tick", "application/json", HttpFixture.jsonArray(eurusd, from, to, null))
                                    .statusCode());
                }
                for (int from = 0; from < gbpTicks; from += 60) {
                    final StringBuilder json = new StringBuilder("[");
                    for (int i = from; i < from + 60; i++) {
                        json.append(i == from ? "" : ",")
                                .append("{\"symbol\":\"GBPUSD\",\"time_msc\":")
                                .append(gbpFrom + i * 10_000L)
                                .append(",\"bid\":")
                                .append(1.25 + (i % 7) * 0.0001)
                                .append(",\"ask\":1.2602,\"flags\":6}");
                    }
                    final HttpResponse<String> r = http.post(
                            "/ingest/tick", "application/json", json.append(']').toString());
                    assertEquals(202, r.statusCode(), r.body());
                }
                Settle.await(http.server.engine(), 30_000);

                assertEquals(expected(), http.candlesM1("EURUSD"), "EURUSD's five bars, the last one final");
                final Map<String, Double> m = PromText.parse(
                        http.get("/metrics", HttpFixture.READ_KEY).body());
                // GBPUSD's own open bars hold at most the last few minutes: ~40 ticks, not EURUSD's hours-old bar.
                assertTrue(
                        m.get("tick_replay_lag_records") < 100,
                        "replay lag bounded [records=" + m.get("tick_replay_lag_records") + "]");
            }
            try (HttpFixture http = new HttpFixture(dataDir, dbUrl(), TIMEFRAMES)) {
                final long replayed =
                        http.server.engine().metrics().ticksReplayed.get();
                assertTrue(replayed < 100, "a restart replays only the open bars [ticks=" + replayed + "]");
                assertEquals(expected(), http.candlesM1("EURUSD"), "EURUSD unchanged by the restart");
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

    private static String expected() {
        final String[] lines = HttpFixture.expectedM1(FIXTURE).split("\n");
        return String.join("\n", List.of(lines).subList(0, 5)) + "\n";
    }
}
