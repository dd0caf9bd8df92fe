package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.http.cli.DbCommand;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code db init} on a fresh PostgreSQL, twice; then least privilege for the engine's and the reader's roles. */
@ExtendWith(PostgresExtension.class)
class DbRolesTest {
    private final PgDatabase database;

    @TempDir
    Path dataDir;

    DbRolesTest(final PgDatabase database) {
        this.database = database;
    }

    @Test
    void shouldInitTwiceThenRunTheEngineAsMt5AppWithLeastPrivilege() throws Exception {
        assertEquals(0, dbInit(), "first db init");
        assertEquals(0, dbInit(), "second db init: idempotent");
        try (Connection owner = database.connect();
                Statement s = owner.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS owner_secret (v text)");
        }

        try (Connection app = connectAs("mt5_app");
                Statement s = app.createStatement()) {
            assertDenied(() -> s.execute("CREATE TABLE mt5_own (i int)"), "mt5_app may not create tables");
            assertDenied(() -> s.execute("DROP TABLE market_data"), "mt5_app may not drop tables");
            assertDenied(() -> s.execute("ALTER TABLE market_data ADD COLUMN x int"), "mt5_app may not alter tables");
            assertDenied(() -> s.executeQuery("SELECT * FROM owner_secret"), "mt5_app may not read other tables");
            assertDenied(() -> s.execute("DELETE FROM market_data"), "mt5_app may not delete candles");
            s.execute("SELECT count(*) FROM market_data");
        }
        try (Connection reader = connectAs("tick_reader");
                Statement s = reader.createStatement()) {
            s.executeQuery("SELECT count(*) FROM market_data").close();
            assertDenied(
                    () -> s.execute("INSERT INTO signals (signal_id, symbol, side, size, valid_until) VALUES "
                            + "('x', 'EURUSD', 'buy', 1, now())"),
                    "tick_reader may not write");
            assertDenied(() -> s.execute("CREATE TABLE reader_own (i int)"), "tick_reader may not create tables");
            assertDenied(() -> s.executeQuery("SELECT * FROM engine_checkpoint"), "tick_reader sees only its views");
        }

        // The engine itself, as mt5_app, with no DDL at start: ingest a real file and read the candles back.
        final String fixture = "EURUSD_20260713";
        final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
        try (HttpFixture http = new HttpFixture(
                dataDir, database.jdbcUrlAs("mt5_app"), "db.schema.init=false", "db.reader.user=tick_reader")) {
            for (int from = 0; from < ticks.size(); from += 500) {
                final HttpResponse<String> r = http.post(
                        "/ingest/tick",
                        "application/json",
                        HttpFixture.jsonArray(ticks, from, Math.min(ticks.size(), from + 500), "ea-roles"));
                assertEquals(202, r.statusCode(), r.body());
            }
            final long deadlineNs = System.nanoTime() + 30_000_000_000L;
            while (http.server.engine().metrics().committedJournalIndex.get()
                    < http.server.engine().metrics().lastJournalIndex.get()) {
                assertTrue(System.nanoTime() - deadlineNs < 0, "candles not committed in 30 s");
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
            }
            assertEquals(HttpFixture.expectedM1(fixture), http.candlesM1("EURUSD"));
            final HttpResponse<String> rows =
                    http.get("/query/market_data?symbol=EURUSD&limit=5", HttpFixture.READ_KEY);
            assertEquals(200, rows.statusCode(), rows.body());
            assertTrue(rows.body().startsWith("[{\"symbol\":\"EURUSD\""), rows.body());
        }
    }

    private int dbInit() {
        return new CommandLine(new DbCommand()).execute("init", "--db-url", database.jdbcUrl());
    }

    private Connection connectAs(final String role) throws SQLException {
        // The test cluster trusts loopback connections: the role matters, not its password.
        return DriverManager.getConnection(database.jdbcUrlAs(role));
    }

    private static void assertDenied(final Executable action, final String message) {
        final SQLException e = assertThrows(SQLException.class, action, message);
        assertTrue(
                e.getSQLState().equals("42501") || e.getSQLState().equals("25006"),
                message + " [sqlState=" + e.getSQLState() + ", error=" + e.getMessage() + "]");
    }
}
