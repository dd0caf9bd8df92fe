package io.tickengine.core.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TimescaleDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hypertables {@code db init} makes on TimescaleDB, as designed: {@code ticks} for ingest rate (no unique index,
 * one {@code (symbol, tick_time, ord)} index, segment by symbol, order by time and arrival, one-day chunks,
 * compressed one hour after a chunk ends), {@code market_data} in 30-day chunks with only its primary key.
 */
@ExtendWith(PostgresExtension.class)
@TimescaleDb
class TicksHypertableTest {
    private final PgDatabase database;

    TicksHypertableTest(final PgDatabase database) {
        this.database = database;
    }

    @BeforeEach
    void schema() throws Exception {
        database.initFreshSchema();
    }

    @Test
    void shouldMakeTicksAHypertableBuiltForIngestRate() throws Exception {
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            assertEquals(List.of("ticks_symbol_time"), indexes(s, "ticks"), "one index, not unique");
            assertEquals(
                    List.of("symbol|segmentby", "tick_time|orderby", "ord|orderby"),
                    rows(
                            s,
                            "SELECT attname || '|' || CASE WHEN segmentby_column_index IS NOT NULL THEN 'segmentby'"
                                    + " ELSE 'orderby' END FROM timescaledb_information.compression_settings"
                                    + " WHERE hypertable_name = 'ticks'"
                                    + " ORDER BY segmentby_column_index NULLS LAST, orderby_column_index"));
            assertEquals(List.of("1 day"), rows(s, chunkInterval("ticks")));
            assertEquals(
                    List.of("01:00:00"),
                    rows(
                            s,
                            "SELECT config ->> 'compress_after' FROM timescaledb_information.jobs"
                                    + " WHERE hypertable_name = 'ticks' AND proc_name = 'policy_compression'"));
        }
    }

    @Test
    void shouldKeepCandlesInThirtyDayChunksWithOnlyTheirPrimaryKey() throws Exception {
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            assertEquals(List.of("30 days"), rows(s, chunkInterval("market_data")));
            assertEquals(List.of("market_data_pkey"), indexes(s, "market_data"));
        }
    }

    private static String chunkInterval(final String table) {
        return "SELECT time_interval::text FROM timescaledb_information.dimensions WHERE hypertable_name = '" + table
                + "'";
    }

    private static List<String> indexes(final Statement s, final String table) throws SQLException {
        return rows(s, "SELECT indexname FROM pg_indexes WHERE tablename = '" + table + "' ORDER BY indexname");
    }

    private static List<String> rows(final Statement s, final String sql) throws SQLException {
        final List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
