package io.tickengine.core.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.store.Database;
import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TimescaleDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upserts into compressed chunks of {@code market_data} that decompress more rows in one transaction than
 * TimescaleDB's default {@code timescaledb.max_tuples_decompressed_per_dml_transaction} (100,000): they fail without
 * the setting, and succeed for {@code mt5_app} ({@code db init}) and on the engine's own pool connections; the same
 * for a delete of ticks in compressed chunks (an import replacing a range).
 */
@ExtendWith(PostgresExtension.class)
@TimescaleDb
class CompressedChunkWritesTest {
    /** Above the default limit of 100,000 decompressed rows per transaction. */
    private static final int BARS = 120_000;

    private static final int SYMBOLS = 12;
    private static final String UPSERT_EVERY_BAR =
            "INSERT INTO market_data (symbol, timeframe, open_time, open, high, low, close, tick_volume)"
                    + " SELECT 'S' || mod(i, " + SYMBOLS + "), 'M1', timestamptz '2024-01-01 00:00Z'"
                    + " + (i / " + SYMBOLS + ") * interval '1 minute', %1$s, %1$s, %1$s, %1$s, 1"
                    + " FROM generate_series(0, " + (BARS - 1) + ") i"
                    + " ON CONFLICT (symbol, timeframe, open_time) DO UPDATE SET close = EXCLUDED.close";

    private final PgDatabase database;

    CompressedChunkWritesTest(final PgDatabase database) {
        this.database = database;
    }

    @BeforeEach
    void compressedCandles() throws Exception {
        database.initFreshSchema();
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            s.executeUpdate(String.format(UPSERT_EVERY_BAR, "1"));
            s.execute("SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks('market_data') c");
            assertEquals(
                    0,
                    count(
                            s,
                            "SELECT count(*) FROM chunk_compression_stats('market_data')"
                                    + " WHERE compression_status <> 'Compressed'"));
        }
    }

    @Test
    void shouldFailAnUpsertPastTheDefaultLimitWithoutTheSetting() throws Exception {
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            final SQLException e =
                    assertThrows(SQLException.class, () -> s.executeUpdate(String.format(UPSERT_EVERY_BAR, "2")));
            assertTrue(e.getMessage().contains("decompression limit"), e.getMessage());
        }
    }

    @Test
    void shouldUpsertPastTheDefaultLimitAsMt5App() throws Exception {
        try (Connection c = DriverManager.getConnection(database.jdbcUrlAs("mt5_app"));
                Statement s = c.createStatement()) {
            assertEquals(BARS, s.executeUpdate(String.format(UPSERT_EVERY_BAR, "2")));
            assertEquals(BARS, count(s, "SELECT count(*) FROM market_data WHERE close = 2"));
        }
    }

    @Test
    void shouldUpsertPastTheDefaultLimitOnTheEnginesConnections() throws Exception {
        try (Database db = Database.postgres(
                        database.jdbcUrl(), null, null, 1, 10_000, PostgresCandleStore.CONNECTION_INIT_SQL, false);
                Connection c = db.connect();
                Statement s = c.createStatement()) {
            assertEquals(
                    0,
                    count(s, "SELECT current_setting('timescaledb.max_tuples_decompressed_per_dml_transaction')::int"));
            c.setAutoCommit(false);
            assertEquals(BARS, s.executeUpdate(String.format(UPSERT_EVERY_BAR, "3")));
            c.commit();
            assertEquals(BARS, count(s, "SELECT count(*) FROM market_data WHERE close = 3"));
        }
    }

    @Test
    void shouldDeleteTicksPastTheDefaultLimitAsMt5App() throws Exception {
        // What an import that replaces a range does to the tick store, here in compressed chunks.
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO ticks (symbol, tick_time, bid, ask, last, volume, volume_real, flags, source,"
                    + " seq, ord) SELECT 'EURUSD', timestamptz '2024-01-01 00:00Z' + i * interval '1 second', 1, 1, 0,"
                    + " 0, 0, 6, 'ea', i, i FROM generate_series(1, " + BARS + ") i");
            s.execute("SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks('ticks') c");
        }
        try (Connection c = DriverManager.getConnection(database.jdbcUrlAs("mt5_app"));
                Statement s = c.createStatement()) {
            assertEquals(BARS, s.executeUpdate("DELETE FROM ticks WHERE symbol = 'EURUSD'"));
        }
    }

    private static long count(final Statement s, final String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
