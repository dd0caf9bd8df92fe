package io.tickengine.core.testsupport;

import io.tickengine.core.store.Database;
import io.tickengine.core.store.SchemaMigrator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A PostgreSQL database handed to a test by {@link PostgresExtension}.
 *
 * @param jdbcUrl a self-contained JDBC URL of the database (credentials included as URL parameters when there are
 *     any)
 * @param user the user to connect as; for components such as connection pools that take credentials separately
 * @param password the user's password; empty when the server needs none
 * @param name the database name
 */
public record PgDatabase(String jdbcUrl, String user, String password, String name) {

    /** Whether this is a TimescaleDB database ({@link TimescaleDb}): the harness names those {@code ts_...}. */
    public boolean timescaledb() {
        return name.startsWith("ts_");
    }

    /** Opens a new connection to this database; the caller closes it. */
    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        if (!user.isEmpty()) {
            properties.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection(jdbcUrl, properties);
    }

    /**
     * Drops the engine's candle and tick tables and its state, so the next engine starts on an empty store (it
     * creates them again). CASCADE: the db/init views depend on market_data.
     */
    public void dropEngineTables() throws SQLException {
        try (Connection c = connect();
                java.sql.Statement s = c.createStatement()) {
            s.execute(
                    "DROP TABLE IF EXISTS market_data, ticks, engine_checkpoint, engine_symbol_state,"
                            + " engine_source_seq, engine_tick_store, engine_rebuild, engine_rejected_bars, symbols, kafka_offsets, kafka_source_seq, schema_version CASCADE");
        }
    }

    /**
     * Drops the engine's tables ({@link #dropEngineTables}) and creates the schema again as {@code tick-engine db init}
     * does: every script, the hypertables where TimescaleDB is installed, and the roles with their grants.
     */
    public void initFreshSchema() throws SQLException {
        dropEngineTables();
        try (Database db = Database.postgres(jdbcUrl, null, null, 1, 10_000, null, false)) {
            SchemaMigrator.init(db);
        }
    }

    /**
     * @return the URL of this database for {@code role}, one of the roles {@code db init} creates ({@code mt5_app},
     *     {@code tick_reader}, {@code tick_owner}); the test cluster lets them in without a password.
     */
    public String jdbcUrlAs(final String role) {
        return jdbcUrl.replace("user=postgres", "user=" + role);
    }

    @Override
    public String toString() {
        return "PgDatabase[name=" + name + ", user=" + user + ", url="
                + jdbcUrl.replaceAll("password=[^&]*", "password=***") + "]";
    }
}
