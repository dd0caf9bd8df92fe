package io.tickengine.http.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.store.Database;
import io.tickengine.core.store.SchemaMigrator;
import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TimescaleDb;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * TimescaleDB installed after {@code db init} made plain tables and the engine filled them: the next {@code db init}
 * converts {@code market_data} and {@code ticks} into hypertables with their policies, owned by {@code tick_owner},
 * with every row kept; {@code db status} lists the conversion until then, and the engine's start never does it.
 */
@ExtendWith(PostgresExtension.class)
@TimescaleDb
class DbInitConversionTest {
    private static final String MARKET_DATA_CHECKSUM =
            "SELECT count(*), sum(close), sum(tick_volume), min(open_time)::text, max(open_time)::text FROM market_data";
    private static final String TICKS_CHECKSUM = "SELECT count(*), sum(bid), sum(ord), max(tick_time)::text FROM ticks";

    private final PgDatabase database;

    DbInitConversionTest(final PgDatabase database) {
        this.database = database;
    }

    @BeforeEach
    void plainTablesWithRowsThenTheExtension() throws Exception {
        database.dropEngineTables();
        execute("DROP EXTENSION IF EXISTS timescaledb");
        assertEquals(0, dbInit().exitCode());
        // 60 days of H1 bars for three symbols and a day of ticks: several chunks once converted.
        execute("INSERT INTO market_data (symbol, timeframe, open_time, open, high, low, close, tick_volume)"
                + " SELECT s, 'H1', timestamptz '2025-01-01 00:00Z' + h * interval '1 hour', h, h, h, h, h"
                + " FROM generate_series(0, 60 * 24 - 1) h, unnest(ARRAY['EURUSD', 'GBPUSD', 'XAUUSD']) s");
        execute("INSERT INTO ticks (symbol, tick_time, bid, ask, last, volume, volume_real, flags, source, seq, ord)"
                + " SELECT 'EURUSD', timestamptz '2025-01-01 00:00Z' + i * interval '1 second', 1 + i / 1e6,"
                + " 1.0001 + i / 1e6, 0, 0, 0, 6, 'ea', i, i FROM generate_series(1, 86400 * 2) i");
        execute("CREATE EXTENSION timescaledb");
    }

    @Test
    void shouldConvertPlainTablesToHypertablesOwnedByTickOwnerWithTheirRows() throws Exception {
        final List<Object> candlesBefore = row(MARKET_DATA_CHECKSUM);
        final List<Object> ticksBefore = row(TICKS_CHECKSUM);

        final Output status = dbStatus();
        assertEquals(3, status.exitCode(), status.text());
        assertTrue(status.text().contains("convert market_data to a hypertable"), status.text());
        assertTrue(status.text().contains("convert ticks to a hypertable"), status.text());

        final Output init = dbInit();
        assertEquals(0, init.exitCode(), init.text());
        assertTrue(init.text().contains("db init: converting market_data to a hypertable"), init.text());
        assertTrue(init.text().contains("db init: converted market_data [ms="), init.text());
        assertTrue(init.text().contains("db init: converted ticks [ms="), init.text());

        assertEquals(candlesBefore, row(MARKET_DATA_CHECKSUM));
        assertEquals(ticksBefore, row(TICKS_CHECKSUM));
        assertEquals(
                List.of("market_data tick_owner true", "ticks tick_owner true"),
                rows("SELECT hypertable_name || ' ' || owner || ' ' || compression_enabled"
                        + " FROM timescaledb_information.hypertables ORDER BY hypertable_name"));
        assertTrue(
                ((Number) row("SELECT count(*) FROM show_chunks('market_data')").get(0)).longValue() > 1,
                "the rows moved into chunks");
        assertEquals(
                List.of(
                        "market_data policy_compression tick_owner",
                        "market_data policy_retention tick_owner",
                        "ticks policy_compression tick_owner"),
                rows("SELECT hypertable_name || ' ' || proc_name || ' ' || owner FROM timescaledb_information.jobs"
                        + " WHERE hypertable_name IS NOT NULL ORDER BY 1"));
        // The owner may manage its policies.
        try (Connection owner = DriverManager.getConnection(database.jdbcUrlAs("tick_owner"));
                Statement s = owner.createStatement()) {
            s.execute("SELECT alter_job(job_id, scheduled => true) FROM timescaledb_information.jobs"
                    + " WHERE hypertable_name IS NOT NULL");
        }

        final Output after = dbStatus();
        assertEquals(0, after.exitCode(), after.text());
        assertTrue(after.text().contains("db status: up to date"), after.text());
    }

    @Test
    void shouldNeverConvertAPlainTableHoldingRowsAtEngineStart() throws Exception {
        // A changed 001 runs again at engine start: it must leave the conversion to db init.
        execute("DELETE FROM schema_version");
        try (Database db = Database.postgres(database.jdbcUrl(), null, null, 1, 10_000, null, false)) {
            SchemaMigrator.migrate(db);
            assertEquals(
                    List.of("convert market_data to a hypertable", "convert ticks to a hypertable"),
                    SchemaMigrator.conversions(db).stream()
                            .map(Object::toString)
                            .toList());
        }
        assertEquals(List.of(), rows("SELECT hypertable_name::text FROM timescaledb_information.hypertables"));
    }

    private Output dbInit() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        return run(new DbCommand.Init(new PrintStream(bytes, true, StandardCharsets.UTF_8), Map.of()), bytes);
    }

    private Output dbStatus() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        return run(new DbCommand.Status(new PrintStream(bytes, true, StandardCharsets.UTF_8)), bytes);
    }

    private Output run(final Object command, final ByteArrayOutputStream bytes) {
        final int exitCode = new CommandLine(command).execute("--db-url", database.jdbcUrl());
        return new Output(exitCode, bytes.toString(StandardCharsets.UTF_8));
    }

    /** A command's exit code and what it printed. */
    private record Output(int exitCode, String text) {}

    private void execute(final String sql) throws SQLException {
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private List<Object> row(final String sql) throws SQLException {
        try (Connection c = database.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            final List<Object> values = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                values.add(rs.getObject(i));
            }
            return values;
        }
    }

    private List<String> rows(final String sql) throws SQLException {
        try (Connection c = database.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            final List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }
}
