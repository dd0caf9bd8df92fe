package io.tickengine.http;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TimescaleDb;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store side of scenarios that a test runs on every store. A test's abstract {@code Scenarios} extends this and
 * holds the test methods; its {@code @Nested} classes pick the store by the database they pass up:
 * {@code OnSqlite() { super(null); }}; {@code OnPostgres(PgDatabase database) { super(database); }} with
 * {@code @ExtendWith(PostgresExtension.class)}; and {@code OnTimescale}, the same with {@link TimescaleDb}, extending
 * {@code OnPostgres}.
 *
 * <p>No database means the embedded SQLite file of the {@link #dataDir}. A database comes from
 * {@link PostgresExtension}, one per nested class, a TimescaleDB one for a class marked {@link TimescaleDb} (skipped,
 * with the extension's message, where TimescaleDB is not installed); what an earlier test of the class left in it is
 * dropped before each test ({@link #dropTables}).
 */
abstract class StoreScenarios {
    @TempDir
    Path dataDir;

    private final PgDatabase database;

    /** @param database the PostgreSQL database to run on, {@code null} for the embedded SQLite store. */
    StoreScenarios(final PgDatabase database) {
        this.database = database;
    }

    /** @return the store URL, {@code null} for the embedded SQLite store. */
    final String dbUrl() {
        return database == null ? null : database.jdbcUrl();
    }

    /** @return the PostgreSQL database, {@code null} on the embedded SQLite store. */
    final PgDatabase database() {
        return database;
    }

    @BeforeEach
    final void emptyDatabase() throws Exception {
        if (database != null) {
            dropTables(database);
        }
    }

    /** Drops what an earlier test left in {@code database}: the engine's tables, unless a test needs other ones. */
    void dropTables(final PgDatabase database) throws Exception {
        database.dropEngineTables();
    }
}
