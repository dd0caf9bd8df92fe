package io.tickengine.core.pipeline;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pipeline acceptance tests on PostgreSQL (binary COPY + upsert), each test on empty tables. */
@ExtendWith(PostgresExtension.class)
class PostgresPipelineTest extends AbstractPipelineTest {
    private final PgDatabase database;

    PostgresPipelineTest(final PgDatabase database) {
        this.database = database;
    }

    @BeforeEach
    void dropTables() throws Exception {
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            // CASCADE: the db/init views depend on market_data; the engine creates them again at start.
            s.execute(
                    "DROP TABLE IF EXISTS market_data, engine_checkpoint, engine_symbol_state, engine_source_seq, schema_version"
                            + " CASCADE");
        }
    }

    @Override
    String dbUrl() {
        return database.jdbcUrl();
    }
}
