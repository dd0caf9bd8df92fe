package io.tickengine.core.features;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.TimescaleDb;

/** The feature, label and training-set views over the {@code market_data} hypertable of TimescaleDB. */
@TimescaleDb
class FeaturesViewsTimescaleTest extends FeaturesViewsPostgresTest {
    FeaturesViewsTimescaleTest(final PgDatabase database) {
        super(database);
    }
}
