package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.ChildJvm;
import io.tickengine.core.testsupport.LocalPostgres;
import io.tickengine.core.testsupport.LoopbackPorts;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TickFiles;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three usual database mistakes, each in its own words rather than the pool's {@code Connection is not available,
 * request timed out}: at start-up of {@code tick-engine run} (log and exit), and in {@code /health} when the database
 * goes away. A cluster of its own, with password authentication for every role but {@code postgres}, and stopped by
 * one test.
 */
class DatabaseErrorsHttpTest {
    private static final String APP_USER = "tick_pw";
    private static final String POOL_TIMEOUT = "Connection is not available";

    private static LocalPostgres postgres;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startPostgresWithPasswords() throws Exception {
        postgres = PostgresExtension.startDedicated();
        postgres.createDatabase("ticks");
        try (Connection c = DriverManager.getConnection(postgres.adminJdbcUrl());
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + APP_USER + " LOGIN PASSWORD 'right-password'");
            final String hbaFile;
            try (java.sql.ResultSet rs = s.executeQuery("SHOW hba_file")) {
                rs.next();
                hbaFile = rs.getString(1);
            }
            // The server rewrites its own pg_hba.conf (the file belongs to its OS user) and reloads it.
            s.execute("COPY (VALUES ('local all all trust'), ('host all postgres 127.0.0.1/32 trust'), "
                    + "('host all all 127.0.0.1/32 scram-sha-256')) TO '" + hbaFile.replace("'", "''") + "'");
            s.execute("SELECT pg_reload_conf()");
        }
        awaitCondition(() -> !canConnect(APP_USER, "wrong-password"), "the server to ask for passwords");
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @Test
    void shouldExitNamingTheUserWhenThePasswordIsWrong() throws Exception {
        final ChildJvm.Exited run = run(url("ticks"), APP_USER, "wrong-password");

        assertFailedWith(run, "authentication failed for user \"" + APP_USER + "\"");
        assertTrue(run.output().contains("password authentication failed for user \"" + APP_USER + "\""), run.output());
    }

    @Test
    void shouldExitNamingTheUserWhenTheRoleDoesNotExist() throws Exception {
        final ChildJvm.Exited run = run(url("ticks"), "nobody", "any-password");

        assertFailedWith(run, "authentication failed for user \"nobody\"");
    }

    @Test
    void shouldExitNamingTheDatabaseWhenItDoesNotExist() throws Exception {
        final ChildJvm.Exited run = run(url("no_such_db"), "postgres", "");

        assertFailedWith(run, "database \"no_such_db\" does not exist [host=127.0.0.1, port=" + postgres.port() + "]");
    }

    @Test
    void shouldExitNamingHostAndPortWhenNobodyListens() throws Exception {
        final int port = LoopbackPorts.free();

        final ChildJvm.Exited run = run("jdbc:postgresql://127.0.0.1:" + port + "/ticks", "postgres", "");

        assertFailedWith(run, "connection refused [host=127.0.0.1, port=" + port + "]");
    }

    @Test
    void shouldShowTheDriversReasonInHealthWhileTheDatabaseIsGone() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks("EURUSD_20260713");
        try (HttpFixture http =
                new HttpFixture(dataDir, url("ticks"), "db.user=postgres", "db.connect.timeout.ms=300")) {
            post(http, ticks, 0, 500);
            awaitCondition(
                    () -> http.server.engine().metrics().storeBatches.get() > 0, "a store commit before the outage");
            final String refused = "connection refused [host=127.0.0.1, port=" + postgres.port() + "]";
            postgres.stopImmediate();
            try {
                post(http, ticks, 500, 1000);
                // The database probe may name the refused port first ("database unavailable"); wait for the writer.
                awaitCondition(
                        () -> health(http).body().contains("store down: " + refused),
                        "/health to name the refused port as the store's reason");
                final HttpResponse<String> health = health(http);
                assertEquals(503, health.statusCode(), health.body());
                assertTrue(
                        health.body().contains("\"reason\":\"store down: " + refused + " (candles wait"),
                        health.body());
                assertTrue(health.body().contains("\"up\":false,\"reason\":\"" + refused + "\""), health.body());
                assertFalse(health.body().contains(POOL_TIMEOUT), health.body());
            } finally {
                postgres.startAgain();
            }
            awaitCondition(() -> health(http).statusCode() == 200, "/health to be ok again");
            assertFalse(health(http).body().contains("refused"), health(http).body());
        }
    }

    /** {@code tick-engine run} against {@code jdbcUrl}, with a start-up timeout short enough for a test. */
    private ChildJvm.Exited run(final String jdbcUrl, final String user, final String password) throws Exception {
        return EngineProcess.runToExit(
                dataDir,
                "--db-url",
                jdbcUrl,
                "--set",
                "db.user=" + user,
                "--set",
                "db.password=" + password,
                "--set",
                "db.connect.timeout.ms=300",
                "--set",
                "db.startup.timeout.ms=5000");
    }

    private static void assertFailedWith(final ChildJvm.Exited run, final String reason) {
        assertEquals(1, run.code(), run.output());
        assertTrue(run.output().contains("waiting for the database ["), run.output());
        assertTrue(run.output().contains("reason=" + reason), "logged while waiting:\n" + run.output());
        assertTrue(
                run.output().contains("tick-engine: the database is not ready within db.startup.timeout.ms"),
                run.output());
        assertTrue(run.output().contains("timeoutMs=5000, reason=" + reason), "the final error:\n" + run.output());
        assertFalse(run.output().contains(POOL_TIMEOUT), run.output());
        assertFalse(run.output().contains("listening"), run.output());
    }

    private static String url(final String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + database;
    }

    private static void post(final HttpFixture http, final List<TickFiles.Tick> ticks, final int from, final int to)
            throws Exception {
        final HttpResponse<String> r =
                http.post("/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, from, to, "ea-db-errors"));
        assertEquals(202, r.statusCode(), r.body());
    }

    private static HttpResponse<String> health(final HttpFixture http) {
        try {
            return http.get("/health", null);
        } catch (final Exception e) {
            throw new AssertionError("GET /health failed", e);
        }
    }

    private static boolean canConnect(final String user, final String password) {
        final Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        try (Connection c = DriverManager.getConnection(url("ticks"), properties)) {
            return c.isValid(1);
        } catch (final SQLException e) {
            return false;
        }
    }

    private static void awaitCondition(final BooleanSupplier condition, final String what) {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadlineNs < 0, "timed out waiting for " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
