package io.tickengine.core.testsupport;

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

    @Override
    public String toString() {
        return "PgDatabase[name=" + name + ", user=" + user + ", url="
                + jdbcUrl.replaceAll("password=[^&]*", "password=***") + "]";
    }
}
