package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TimescaleDb;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The signals queue over HTTP, on SQLite and on PostgreSQL: each signal to one consumer, once, until acked. */
class SignalsHttpTest {
    private static final Pattern SIGNAL_ID = Pattern.compile("\"signal_id\":\"([^\"]+)\"");
    private static final Pattern LEASE_ID = Pattern.compile("\"lease_id\":\"([^\"]+)\"");
    private static final Pattern DELIVERIES = Pattern.compile("\"deliveries\":(\\d+)");

    abstract static class Scenarios extends StoreScenarios {
        Scenarios(final PgDatabase database) {
            super(database);
        }

        @Test
        void shouldGiveEachSignalToExactlyOneOfTenConcurrentConsumersAndTakeAcksIdempotently() throws Exception {
            try (HttpFixture http = new HttpFixture(dataDir, dbUrl())) {
                final int count = 200;
                final String signals = signals(0, count, 3_600_000);
                HttpResponse<String> published = post(http, "/signals", signals);
                assertEquals(201, published.statusCode(), published.body());
                assertEquals("{\"published\":" + count + ",\"existing\":0}", published.body());
                published = post(http, "/signals", signals);
                assertEquals(200, published.statusCode(), "publishing again is idempotent: " + published.body());
                assertEquals("{\"published\":0,\"existing\":" + count + "}", published.body());

                final Set<String> delivered = ConcurrentHashMap.newKeySet();
                final List<String> duplicates = new java.util.concurrent.CopyOnWriteArrayList<>();
                final CountDownLatch start = new CountDownLatch(1);
                final ExecutorService consumers = Executors.newFixedThreadPool(10);
                final List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < 10; c++) {
                    final String consumer = "ea-" + c;
                    done.add(consumers.submit(() -> {
                        start.await();
                        while (true) {
                            final HttpResponse<String> lease = next(http, consumer);
                            if (lease.statusCode() == 204) {
                                return null;
                            }
                            assertEquals(200, lease.statusCode(), lease.body());
                            final String id = group(SIGNAL_ID, lease.body());
                            if (!delivered.add(id)) {
                                duplicates.add(id);
                            }
                            final String ack = ack(id, group(LEASE_ID, lease.body()), consumer, "executed");
                            final HttpResponse<String> first = post(http, "/signals/ack", ack);
                            assertEquals(200, first.statusCode(), first.body());
                            assertTrue(first.body().contains("\"status\":\"recorded\""), first.body());
                            final HttpResponse<String> again = post(http, "/signals/ack", ack);
                            assertEquals(200, again.statusCode(), again.body());
                            assertTrue(again.body().contains("\"status\":\"repeated\""), again.body());
                        }
                    }));
                }
                start.countDown();
                for (final Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
                consumers.shutdown();
                assertEquals(List.of(), duplicates, "no signal may go to two consumers");
                assertEquals(count, delivered.size(), "every signal delivered");
                assertEquals(204, next(http, "ea-late").statusCode(), "acked signals are never delivered again");

                final HttpResponse<String> unknown = post(http, "/signals/ack", ack("nope", "x", "ea-0", "executed"));
                assertEquals(404, unknown.statusCode(), unknown.body());
                final String someId = delivered.iterator().next();
                final HttpResponse<String> foreign = post(http, "/signals/ack", ack(someId, "other", "ea-0", "failed"));
                assertEquals(409, foreign.statusCode(), foreign.body());
            }
        }

        @Test
        void shouldDeliverAnUnackedSignalAgainAfterItsLeaseExpires() throws Exception {
            try (HttpFixture http = new HttpFixture(dataDir, dbUrl(), "signals.lease.ms=1000")) {
                assertEquals(
                        201, post(http, "/signals", signals(0, 1, 3_600_000)).statusCode());
                final HttpResponse<String> first = next(http, "ea-a");
                assertEquals(200, first.statusCode());
                assertEquals("1", group(DELIVERIES, first.body()));
                assertEquals(204, next(http, "ea-b").statusCode(), "leased: not deliverable");

                HttpResponse<String> second;
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                do {
                    second = next(http, "ea-b");
                    assertTrue(System.nanoTime() - deadlineNs < 0, "not delivered again after the lease expired");
                } while (second.statusCode() == 204);
                assertEquals(group(SIGNAL_ID, first.body()), group(SIGNAL_ID, second.body()));
                assertEquals("2", group(DELIVERIES, second.body()));

                final String id = group(SIGNAL_ID, first.body());
                assertEquals(
                        409,
                        post(http, "/signals/ack", ack(id, group(LEASE_ID, first.body()), "ea-a", "executed"))
                                .statusCode(),
                        "the first lease lost the signal to the second");
                assertEquals(
                        200,
                        post(http, "/signals/ack", ack(id, group(LEASE_ID, second.body()), "ea-b", "executed"))
                                .statusCode());
            }
        }

        @Test
        void shouldNeverDeliverAnExpiredSignal() throws Exception {
            try (HttpFixture http = new HttpFixture(dataDir, dbUrl())) {
                final long validUntil = System.currentTimeMillis() + 400;
                final String body =
                        "{\"signal_id\":\"short-lived\",\"symbol\":\"EURUSD\",\"side\":\"buy\",\"size\":0.1,"
                                + "\"valid_until\":" + validUntil + "}";
                assertEquals(201, post(http, "/signals", body).statusCode());
                while (System.currentTimeMillis() <= validUntil + 50) {
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
                }
                assertEquals(204, next(http, "ea-a").statusCode());
                final HttpResponse<String> latest = http.get("/signals/latest?symbol=EURUSD", HttpFixture.READ_KEY);
                assertTrue(latest.body().contains("short-lived"), "still listed: " + latest.body());
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

        @Override
        void dropTables(final PgDatabase database) throws Exception {
            try (Connection c = database.connect();
                    Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS trade_logs, model_signals, signals_ack, signals_queue, signals, "
                        + "schema_version CASCADE");
            }
        }
    }

    /** The same scenarios on TimescaleDB: {@code market_data} and {@code ticks} are hypertables. */
    @Nested
    @TimescaleDb
    class OnTimescale extends OnPostgres {
        OnTimescale(final PgDatabase database) {
            super(database);
        }
    }

    static String signals(final int from, final int to, final long ttlMs) {
        final StringBuilder json = new StringBuilder("[");
        for (int i = from; i < to; i++) {
            json.append(i == from ? "" : ",")
                    .append("{\"signal_id\":\"sig-")
                    .append(i)
                    .append("\",\"symbol\":\"EURUSD\",\"side\":\"")
                    .append(i % 2 == 0 ? "buy" : "sell")
                    .append("\",\"size\":0.1,\"sl\":1.1,\"tp\":1.2,\"ttl_ms\":")
                    .append(ttlMs)
                    .append(",\"model_id\":\"rf-1\",\"payload\":{\"score\":0.7}}");
        }
        return json.append(']').toString();
    }

    static String ack(final String signalId, final String leaseId, final String consumer, final String result) {
        return "{\"signal_id\":\"" + signalId + "\",\"lease_id\":\"" + leaseId + "\",\"consumer\":\"" + consumer
                + "\",\"result\":\"" + result + "\",\"ticket\":123456,\"fill_price\":1.14273,\"retcode\":10009}";
    }

    static HttpResponse<String> post(final HttpFixture http, final String path, final String body) throws Exception {
        return http.client.send(
                HttpRequest.newBuilder(http.uri(path))
                        .header("Content-Type", "application/json")
                        .header("X-API-Key", HttpFixture.ADMIN_KEY)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> next(final HttpFixture http, final String consumer) throws Exception {
        return http.get("/signals/next?consumer=" + consumer, HttpFixture.ADMIN_KEY);
    }

    static String group(final Pattern pattern, final String text) {
        final Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + pattern + " in " + text);
        }
        return m.group(1);
    }
}
