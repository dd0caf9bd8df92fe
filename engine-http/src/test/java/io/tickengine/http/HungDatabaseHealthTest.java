package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.LocalPostgres;
import io.tickengine.core.testsupport.PostgresExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health} turns red when PostgreSQL hangs (every server process stopped with SIGSTOP: connections stay open,
 * nothing answers), within {@code db.connect.timeout.ms}, not only when it refuses connections; ingest goes on into
 * the journal meanwhile, and health is green again once the server runs.
 */
class HungDatabaseHealthTest {
    private static final String TICK =
            "{\"symbol\":\"EURUSD\",\"time_msc\":1783944000093,\"bid\":1.14273,\"ask\":1.14277,\"flags\":6}";

    @TempDir
    Path dataDir;

    @Test
    void shouldAnswerHealth503WithinTheTimeoutWhileTheDatabaseIsHung() throws Exception {
        try (LocalPostgres postgres = PostgresExtension.startDedicated()) {
            postgres.createDatabase("ticks");
            try (HttpFixture http = new HttpFixture(dataDir, postgres.jdbcUrl("ticks"), "db.connect.timeout.ms=1000")) {
                awaitHealth(http, 200);
                postgres.suspend();
                try {
                    final long startNs = System.nanoTime();
                    // An answer of the last half second may be reused: the first red one comes soon after.
                    final HttpResponse<String> hung = awaitHealth(http, 503);
                    final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

                    assertEquals(503, hung.statusCode(), hung.body());
                    assertTrue(
                            hung.body()
                                    .contains("database not answering [timeoutMs=1000, setting=db.connect.timeout.ms]"),
                            hung.body());
                    assertTrue(hung.body().contains("\"answering\":false"), hung.body());
                    assertTrue(tookMs < 5000, "answered within a few seconds [tookMs=" + tookMs + "]");
                    assertEquals(
                            202,
                            http.post("/ingest/tick", "application/json", TICK).statusCode(),
                            "ticks are journaled while the database hangs");
                } finally {
                    postgres.resume();
                }
                awaitHealth(http, 200);
            }
        }
    }

    private static HttpResponse<String> awaitHealth(final HttpFixture http, final int status) throws Exception {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpResponse<String> health;
        while ((health = http.get("/health", null)).statusCode() != status) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("health not " + status + ": " + health.body());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        return health;
    }
}
