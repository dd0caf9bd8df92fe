package io.tickengine.http.ml;

import java.util.List;

/** {@code /predict} on the embedded SQLite store. */
class PredictRouteSqliteTest extends AbstractPredictRouteTest {
    @Override
    String dbUrl() {
        return null;
    }

    @Override
    List<String> storeArgs() {
        return List.of("--data-dir", dataDir.toString());
    }

    @Override
    void resetStore() {
        // A new temporary data directory for every test.
    }
}
