package io.tickengine.core.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Which database {@link PostgresExtension} hands out: plain PostgreSQL, or TimescaleDB with telemetry off. */
class TimescaleHarnessTest {

    @Nested
    @ExtendWith(PostgresExtension.class)
    class Plain {
        @Test
        void shouldGiveAPlainDatabaseWithoutTheExtension(final PgDatabase database) throws SQLException {
            assertTrue(database.name().startsWith("t_"), database.name());
            assertFalse(database.timescaledb());
            assertEquals(0, count(database, "SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'"));
        }
    }

    @Nested
    @ExtendWith(PostgresExtension.class)
    @TimescaleDb
    class Timescale {
        @Test
        void shouldGiveATimescaleDatabaseNamedForIt(final PgDatabase database) throws SQLException {
            assertTrue(database.name().startsWith("ts_"), database.name());
            assertTrue(database.timescaledb());
            assertEquals(1, count(database, "SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'"));
        }

        @Test
        void shouldRunTheServerWithTelemetryOff(final PgDatabase database) throws SQLException {
            try (Connection c = database.connect();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SHOW timescaledb.telemetry_level")) {
                assertTrue(rs.next());
                assertEquals("off", rs.getString(1));
            }
        }
    }

    private static long count(final PgDatabase database, final String sql) throws SQLException {
        try (Connection c = database.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
