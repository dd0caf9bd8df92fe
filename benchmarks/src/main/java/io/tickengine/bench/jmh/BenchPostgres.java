package io.tickengine.bench.jmh;

import io.tickengine.core.store.Database;
import io.tickengine.core.store.postgres.PostgresCandleStore;
import io.tickengine.core.testsupport.LocalPostgres;

/**
 * The PostgreSQL a JMH suite writes into: a throwaway server started from the local binaries (as the tests do), or
 * the one named by {@code -Dbench.pg.url=jdbc:postgresql://...} ({@code bench.pg.user}, {@code bench.pg.password}).
 */
final class BenchPostgres implements AutoCloseable {
    final Database database;
    private final LocalPostgres server;

    private BenchPostgres(final Database database, final LocalPostgres server) {
        this.database = database;
        this.server = server;
    }

    /** Opens a pool of two connections that run the candle store's connection-init SQL. */
    static BenchPostgres open() {
        String url = System.getProperty("bench.pg.url");
        String user = System.getProperty("bench.pg.user", "postgres");
        final String password = System.getProperty("bench.pg.password");
        LocalPostgres server = null;
        if (url == null) {
            server = LocalPostgres.start();
            server.createDatabase("bench");
            url = server.jdbcUrl("bench");
            user = "postgres";
        }
        return new BenchPostgres(
                Database.postgres(url, user, password, 2, 5_000, PostgresCandleStore.CONNECTION_INIT_SQL, false),
                server);
    }

    /**
     * {@code CREATE EXTENSION timescaledb} in the benchmark's database, before its schema is made, so that
     * {@code db/init} makes hypertables.
     *
     * @throws IllegalStateException naming the install script when the server cannot load TimescaleDB.
     */
    void createTimescaleExtension() {
        if (server != null && !server.timescaledb()) {
            throw new IllegalStateException("TimescaleDB is not installed beside the PostgreSQL server binaries: run "
                    + "../shared/tools/install-timescaledb.sh, or give -Dbench.pg.url of a server that has it");
        }
        try (java.sql.Connection c = database.connect();
                java.sql.Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("CREATE EXTENSION IF NOT EXISTS timescaledb");
        } catch (final java.sql.SQLException e) {
            throw new IllegalStateException("cannot create the timescaledb extension: " + e.getMessage(), e);
        }
    }

    /** Removes a hypertable's compression and retention policies. */
    void removePolicies(final String hypertable) {
        try (java.sql.Connection c = database.connect();
                java.sql.Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("SELECT remove_compression_policy('" + hypertable + "', if_exists => true)");
            s.execute("SELECT remove_retention_policy('" + hypertable + "', if_exists => true)");
        } catch (final java.sql.SQLException e) {
            throw new IllegalStateException("cannot remove the policies of " + hypertable + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        database.close();
        if (server != null) {
            server.close();
        }
    }
}
