package io.tickengine.core.features;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The feature, label and training-set views on the embedded SQLite store (epoch-millisecond open times). */
class FeaturesViewsSqliteTest extends AbstractFeaturesViewsTest {
    @Override
    String dbUrl() {
        return null;
    }

    @Override
    Connection connect() throws SQLException {
        // The engine's default embedded store, see Stores.openStore.
        return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("tick-engine.db"));
    }

    @Override
    String openTimeIs() {
        return "open_time = ?";
    }

    @Override
    String insertM1Sql() {
        return "INSERT INTO market_data (symbol, timeframe, open_time, open, high, low, close, tick_volume, updated_at)"
                + " SELECT ?1, 'M1', ?2, ?3, ?3, ?3, ?3, 1, 0";
    }

    @Override
    void resetStore() {
        // A new temporary directory per test: the store starts empty.
    }
}
