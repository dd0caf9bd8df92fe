package io.tickengine.core.pipeline;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
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
        database.dropEngineTables();
    }

    @Override
    String dbUrl() {
        return database.jdbcUrl();
    }
}
