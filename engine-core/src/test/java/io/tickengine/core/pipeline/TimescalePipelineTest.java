package io.tickengine.core.pipeline;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.TimescaleDb;

/** The pipeline acceptance tests on TimescaleDB: {@code market_data} and {@code ticks} are hypertables. */
@TimescaleDb
class TimescalePipelineTest extends PostgresPipelineTest {
    TimescalePipelineTest(final PgDatabase database) {
        super(database);
    }
}
