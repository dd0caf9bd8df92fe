package io.tickengine.core.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.store.Database;
import io.tickengine.core.store.TickStore;
import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TimescaleDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ticks.retention.days} on PostgreSQL, as the engine's role ({@code mt5_app}, no DDL) after {@code db init}:
 * every tick before the cutoff goes and every other stays. On TimescaleDB the compressed chunks wholly before the
 * cutoff are dropped whole (through {@code engine_drop_tick_chunks}, which runs as the table's owner) and only the
 * chunk that holds the cutoff is deleted from row by row.
 */
class TickRetentionTest {
    /** Four days of one symbol, a tick every 10 minutes from 2024-01-01T00:00Z: 576 ticks, 144 a day. */
    private static final String FOUR_DAYS = "INSERT INTO ticks (symbol, tick_time, bid, ask, last, volume, volume_real,"
            + " flags, source, seq, ord) SELECT 'EURUSD', timestamptz '2024-01-01 00:00Z' + i * interval '10 minutes',"
            + " 1.1, 1.2, 0, 0, 0, 6, NULL, 0, i FROM generate_series(0, 575) i";

    /** 2024-01-02T12:00Z: a day and a half of ticks (216) lie before it. */
    private static final long CUTOFF_MSC = Instant.parse("2024-01-02T12:00:00Z").toEpochMilli();

    abstract static class Scenarios {
        final PgDatabase database;

        Scenarios(final PgDatabase database) {
            this.database = database;
        }

        @BeforeEach
        void fourDaysOfTicks() throws Exception {
            database.initFreshSchema();
            try (Connection c = database.connect();
                    Statement s = c.createStatement()) {
                s.executeUpdate(FOUR_DAYS);
                if (database.timescaledb()) {
                    s.execute("SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks('ticks') c");
                }
            }
        }

        /** @return what the engine's retention removes, on its own role's connection. */
        TickStore.Purged purge() throws Exception {
            try (Database app = Database.postgres(database.jdbcUrlAs("mt5_app"), null, null, 1, 10_000, null, false)) {
                return new PostgresTickStore(app).deleteOlderThan(CUTOFF_MSC);
            }
        }

        void assertTheRestKept() throws SQLException {
            try (Connection c = database.connect();
                    Statement s = c.createStatement()) {
                assertEquals(576 - 216, count(s, "SELECT count(*) FROM ticks"));
                assertEquals(216, count(s, "SELECT min(ord) FROM ticks"), "the first tick kept is the cutoff's own");
                assertEquals(575, count(s, "SELECT max(ord) FROM ticks"));
            }
        }
    }

    @Nested
    @ExtendWith(PostgresExtension.class)
    class OnPostgres extends Scenarios {
        OnPostgres(final PgDatabase database) {
            super(database);
        }

        @Test
        void shouldDeleteEveryTickBeforeTheCutoffRowByRow() throws Exception {
            assertEquals(new TickStore.Purged(216, 0), purge());
            assertTheRestKept();
            assertEquals(new TickStore.Purged(0, 0), purge(), "nothing more the second time");
        }
    }

    @Nested
    @ExtendWith(PostgresExtension.class)
    @TimescaleDb
    class OnTimescale extends Scenarios {
        OnTimescale(final PgDatabase database) {
            super(database);
        }

        @Test
        void shouldDropTheChunksWhollyBeforeTheCutoffAndDeleteOnlyInTheChunkThatHoldsIt() throws Exception {
            assertEquals(new TickStore.Purged(72, 1), purge(), "2024-01-01 dropped, 2024-01-02 until noon deleted");
            assertTheRestKept();
            try (Connection c = database.connect();
                    Statement s = c.createStatement()) {
                assertEquals(3, count(s, "SELECT count(*) FROM show_chunks('ticks')"));
                assertEquals(
                        0,
                        count(
                                s,
                                "SELECT count(*) FROM chunk_compression_stats('ticks')"
                                        + " WHERE compression_status <> 'Compressed'"),
                        "no chunk left decompressed");
            }
            assertEquals(new TickStore.Purged(0, 0), purge(), "nothing more the second time");
        }

        @Test
        void shouldNotLetTheReadOnlyRoleDropChunks() throws Exception {
            try (Connection c = java.sql.DriverManager.getConnection(database.jdbcUrlAs("tick_reader"));
                    Statement s = c.createStatement()) {
                final SQLException e = org.junit.jupiter.api.Assertions.assertThrows(
                        SQLException.class, () -> s.executeQuery("SELECT engine_drop_tick_chunks(now())"));
                assertEquals("42501", e.getSQLState(), e.getMessage());
            }
        }
    }

    private static long count(final Statement s, final String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
