package io.tickengine.ml;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/** {@code prepare} on the engine's embedded SQLite store, opened by data directory. */
class DatasetSqliteTest extends AbstractDatasetTest {
    @Override
    String dbUrl() {
        return null;
    }

    @Override
    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("tick-engine.db"));
    }

    @Override
    List<String> storeArgs() {
        return List.of("--data-dir", dataDir.toString());
    }

    @Override
    String openTimeIs() {
        return "open_time = ?";
    }
}
