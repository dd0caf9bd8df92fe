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

    @Override
    public void close() {
        database.close();
        if (server != null) {
            server.close();
        }
    }
}
