package io.tickengine.http.ml;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /predict} on PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class PredictRoutePostgresTest extends AbstractPredictRouteTest {
    private final PgDatabase database;

    PredictRoutePostgresTest(final PgDatabase database) {
        this.database = database;
    }

    @Override
    String dbUrl() {
        return database.jdbcUrl();
    }

    @Override
    List<String> storeArgs() {
        final List<String> args = new ArrayList<>(List.of("--db-url", database.jdbcUrl()));
        if (!database.user().isEmpty()) {
            args.addAll(List.of("--db-user", database.user()));
        }
        if (!database.password().isEmpty()) {
            args.addAll(List.of("--db-password", database.password()));
        }
        return args;
    }

    @Override
    void resetStore() throws Exception {
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS market_data, engine_checkpoint, engine_symbol_state, engine_source_seq,"
                    + " schema_version CASCADE");
        }
    }
}
