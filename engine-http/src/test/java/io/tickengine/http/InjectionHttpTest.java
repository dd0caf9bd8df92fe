package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQL-injection attempts through every {@code /query} and {@code /signals} parameter are answered 400 or 404 and
 * change nothing in the database.
 */
@ExtendWith(PostgresExtension.class)
class InjectionHttpTest {
    private static final List<String> ATTACKS = List.of(
            "x' OR '1'='1",
            "x'; DROP TABLE signals; --",
            "x\"; DELETE FROM market_data; --",
            "1 OR 1=1",
            "1; UPDATE signals_queue SET state='pending'",
            "' UNION SELECT * FROM engine_checkpoint --",
            "0x41; SELECT pg_sleep(5)",
            "EURUSD)--");

    private final PgDatabase database;

    @TempDir
    Path dataDir;

    InjectionHttpTest(final PgDatabase database) {
        this.database = database;
    }

    @Test
    void shouldRefuseInjectionThroughEveryParameterAndChangeNothing() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, database.jdbcUrl())) {
            assertEquals(
                    201,
                    SignalsHttpTest.post(http, "/signals", SignalsHttpTest.signals(0, 5, 3_600_000))
                            .statusCode());
            assertEquals(
                    202,
                    http.post(
                                    "/ingest/tick",
                                    "application/json",
                                    "{\"symbol\":\"EURUSD\",\"time_msc\":1783944000093,\"bid\":1.14273,\"ask\":1.14277,\"flags\":6}")
                            .statusCode());
            final var metrics = http.server.engine().metrics();
            final long deadlineNs = System.nanoTime() + 30_000_000_000L;
            while (metrics.committedJournalIndex.get() < metrics.lastJournalIndex.get()) {
                assertTrue(System.nanoTime() - deadlineNs < 0, "tick not committed in 30 s");
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
            }
            final Map<String, Long> before = counts();

            for (final String attack : ATTACKS) {
                final String a = URLEncoder.encode(attack, StandardCharsets.UTF_8);
                expectRefused(http.get("/query/" + a, HttpFixture.READ_KEY), "view " + attack);
                expectRefused(http.get("/query/market_data" + a, HttpFixture.READ_KEY), "view suffix " + attack);
                for (final String param : List.of("symbol", "from", "to", "limit")) {
                    expectRefused(
                            http.get("/query/market_data?" + param + "=" + a, HttpFixture.READ_KEY),
                            "/query " + param + " " + attack);
                    expectRefused(
                            http.get("/query/signals?" + param + "=" + a, HttpFixture.READ_KEY),
                            "/query/signals " + param + " " + attack);
                }
                expectRefused(http.get("/signals/next?consumer=" + a, HttpFixture.ADMIN_KEY), "consumer " + attack);
                expectRefused(
                        http.get("/signals/next?consumer=ea-1&symbol=" + a, HttpFixture.ADMIN_KEY),
                        "next symbol " + attack);
                expectRefused(http.get("/signals/latest?symbol=" + a, HttpFixture.READ_KEY), "latest " + attack);
                expectRefused(http.get("/signals/latest?limit=" + a, HttpFixture.READ_KEY), "latest limit " + attack);
                final String json = attack.replace("\\", "\\\\").replace("\"", "\\\"");
                for (final String field : List.of("signal_id", "symbol", "side", "model_id")) {
                    final String body = "{\"signal_id\":\"ok-1\",\"symbol\":\"EURUSD\",\"side\":\"buy\",\"size\":1,"
                            + "\"ttl_ms\":60000,\"model_id\":\"m\",\"" + field + "\":\"" + json + "\"}";
                    expectRefused(
                            SignalsHttpTest.post(
                                    http, "/signals", body.replaceFirst("\"" + field + "\":\"[^\"]*\",", "")),
                            "publish " + field + " " + attack);
                }
                for (final String field : List.of("signal_id", "lease_id", "consumer", "result")) {
                    final Map<String, String> ack = new LinkedHashMap<>(
                            Map.of("signal_id", "sig-0", "lease_id", "l", "consumer", "ea-1", "result", "executed"));
                    ack.put(field, json);
                    final StringBuilder body = new StringBuilder("{");
                    ack.forEach((k, v) -> body.append(body.length() > 1 ? "," : "")
                            .append('"')
                            .append(k)
                            .append("\":\"")
                            .append(v)
                            .append('"'));
                    expectRefused(
                            SignalsHttpTest.post(
                                    http, "/signals/ack", body.append('}').toString()),
                            "ack " + field + " " + attack);
                }
            }
            assertEquals(before, counts(), "nothing changed");
        }
    }

    private static void expectRefused(final HttpResponse<String> response, final String what) {
        assertTrue(
                response.statusCode() == 400 || response.statusCode() == 404,
                what + " -> " + response.statusCode() + " " + response.body());
    }

    private Map<String, Long> counts() throws Exception {
        final Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            for (final String table : List.of(
                    "market_data", "signals", "signals_queue", "signals_ack", "engine_checkpoint", "trade_logs")) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM signals_queue WHERE state = 'pending'")) {
                rs.next();
                counts.put("pending", rs.getLong(1));
            }
        }
        return counts;
    }
}
