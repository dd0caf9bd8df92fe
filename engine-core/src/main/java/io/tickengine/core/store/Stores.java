package io.tickengine.core.store;

import io.tickengine.core.EngineContext;
import io.tickengine.core.store.postgres.PostgresCandleStore;
import io.tickengine.core.store.postgres.PostgresTickStore;
import io.tickengine.core.store.sqlite.SqliteCandleStore;
import io.tickengine.core.store.sqlite.SqliteTickStore;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store choice: which database the configuration names (SQLite in the data dir by default, PostgreSQL or
 * TimescaleDB for a {@code jdbc:postgresql:} URL) and the candle and tick stores on it. For the engine and for the
 * tools that read or write the stores without running one.
 */
public final class Stores {
    private static final Logger LOG = LoggerFactory.getLogger(Stores.class);

    private Stores() {}

    /** Opens the tick store on the database the candle store uses (whose schema it has created). */
    public static TickStore openTickStore(final Database database) throws StoreException {
        return database.dialect() == Database.Dialect.SQLITE
                ? new SqliteTickStore(database)
                : new PostgresTickStore(database);
    }

    /**
     * Opens the store the context names, creating its schema; waits up to {@code db.startup.timeout.ms} for
     * PostgreSQL. For tools that read the store without running an engine.
     */
    public static CandleStore openStore(final EngineContext context) throws StoreException {
        return openStore(context, openDatabase(context));
    }

    /** Opens the database the context names: PostgreSQL for a {@code jdbc:postgresql:} URL, else SQLite. */
    public static Database openDatabase(final EngineContext context) {
        final String url = context.dbUrl();
        if (url == null || url.startsWith("jdbc:sqlite:")) {
            return Database.sqlite(
                    url == null
                            ? context.dataDir().resolve("tick-engine.db")
                            : Path.of(url.substring("jdbc:sqlite:".length())));
        }
        return Database.postgres(
                url,
                context.dbUser(),
                context.dbPassword(),
                context.dbPoolSize(),
                context.dbConnectTimeoutMs(),
                PostgresCandleStore.CONNECTION_INIT_SQL,
                false);
    }

    /**
     * Opens the candle store on a database, creating its schema; waits up to {@code db.startup.timeout.ms} for
     * PostgreSQL.
     */
    public static CandleStore openStore(final EngineContext context, final Database database) throws StoreException {
        if (database.dialect() == Database.Dialect.SQLITE) {
            return new SqliteCandleStore(database);
        }
        final PostgresCandleStore store = new PostgresCandleStore(database, context.dbSchemaInit());
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(context.dbStartupTimeoutMs());
        String waitingFor = null;
        while (true) {
            try {
                store.initSchema();
                return store;
            } catch (final StoreException e) {
                if (e.getMessage().contains("db.schema.init=false")) {
                    store.close();
                    throw e;
                }
                if (deadlineNs - System.nanoTime() < 0) {
                    store.close();
                    throw new StoreException(
                            "the database is not ready within db.startup.timeout.ms [store=" + store.describe()
                                    + ", timeoutMs=" + context.dbStartupTimeoutMs() + ", reason=" + e.reason() + "]",
                            e.reason(),
                            e);
                }
                // Logged again when the reason changes, e.g. from refused (server starting) to a wrong password.
                if (!e.reason().equals(waitingFor)) {
                    waitingFor = e.reason();
                    LOG.warn(
                            "waiting for the database [store={}, timeoutMs={}, reason={}]",
                            store.describe(),
                            context.dbStartupTimeoutMs(),
                            waitingFor);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
    }
}
