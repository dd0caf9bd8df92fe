package io.tickengine.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tickengine.core.store.postgres.PostgresCandleStore;
import io.tickengine.core.store.sqlite.SqliteCandleStore;
import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code engine_source_seq.window_bits} is added to a store whose table predates it, its rows kept (with no window:
 * every seq up to the mark counts as accepted), and the scripts stay idempotent once it is there.
 */
class SourceWindowSchemaTest {
    private static final String LEGACY_TABLE =
            "CREATE TABLE engine_source_seq (source TEXT PRIMARY KEY, last_seq BIGINT NOT NULL, updated_at BIGINT)";

    abstract static class Scenarios {
        abstract Database database();

        abstract CandleStore open(Database database) throws StoreException;

        @Test
        void shouldAddTheWindowColumnToATableThatPredatesItAndKeepItsMarks() throws Exception {
            final Database database = database();
            try (Connection c = database.connect();
                    Statement s = c.createStatement()) {
                s.execute(LEGACY_TABLE);
                s.execute("INSERT INTO engine_source_seq (source, last_seq, updated_at) VALUES ('term-01', 100, 0)");
            }
            try (CandleStore store = open(database)) {
                final RecoveryState.SourceState source =
                        store.loadRecoveryState().sources().get("term-01");
                assertEquals(100, source.lastSeq());
                assertNull(source.window());

                // Every script again, on a table that has the column now.
                try (Connection c = database.connect();
                        Statement s = c.createStatement()) {
                    s.execute("DELETE FROM schema_version");
                }
                SchemaMigrator.migrate(database);
                assertEquals(
                        100, store.loadRecoveryState().sources().get("term-01").lastSeq());
            }
        }
    }

    @Nested
    class OnSqlite extends Scenarios {
        @TempDir
        Path dir;

        private Database database;

        @Override
        Database database() {
            if (database == null) {
                database = Database.sqlite(dir.resolve("store.db"));
            }
            return database;
        }

        @Override
        CandleStore open(final Database database) throws StoreException {
            return new SqliteCandleStore(database);
        }
    }

    @Nested
    @ExtendWith(PostgresExtension.class)
    class OnPostgres extends Scenarios {
        private final PgDatabase pg;
        private Database database;

        OnPostgres(final PgDatabase pg) {
            this.pg = pg;
        }

        @BeforeEach
        void dropTables() throws SQLException {
            pg.dropEngineTables();
        }

        @Override
        Database database() {
            if (database == null) {
                database = Database.postgres(
                        pg.jdbcUrl(), // with the credentials, as the engine's tests pass db.url
                        null,
                        null,
                        2,
                        2_000,
                        PostgresCandleStore.CONNECTION_INIT_SQL,
                        false);
            }
            return database;
        }

        @Override
        CandleStore open(final Database database) throws StoreException {
            final PostgresCandleStore store = new PostgresCandleStore(database, true);
            store.initSchema();
            return store;
        }
    }
}
