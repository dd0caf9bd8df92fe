package io.tickengine.core.features;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.ExtendWith;

/** The feature, label and training-set views on PostgreSQL (timestamptz open times), each test on empty tables. */
@ExtendWith(PostgresExtension.class)
class FeaturesViewsPostgresTest extends AbstractFeaturesViewsTest {
    private final PgDatabase database;

    FeaturesViewsPostgresTest(final PgDatabase database) {
        this.database = database;
    }

    @Override
    String dbUrl() {
        return database.jdbcUrl();
    }

    @Override
    Connection connect() throws SQLException {
        return database.connect();
    }

    @Override
    String openTimeIs() {
        return "open_time = to_timestamp(? / 1000.0)";
    }

    @Override
    String insertM1Sql() {
        return "INSERT INTO market_data (symbol, timeframe, open_time, open, high, low, close, tick_volume)"
                + " SELECT v.symbol, 'M1', to_timestamp(v.msc / 1000.0), v.px, v.px, v.px, v.px, 1"
                + " FROM (VALUES (?::text, ?::bigint, ?::double precision)) AS v (symbol, msc, px)";
    }

    @Override
    void resetStore() throws SQLException {
        database.dropEngineTables();
    }
}
