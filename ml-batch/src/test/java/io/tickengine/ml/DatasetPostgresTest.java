package io.tickengine.ml;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code prepare} on PostgreSQL, opened by URL. */
@ExtendWith(PostgresExtension.class)
class DatasetPostgresTest extends AbstractDatasetTest {
    private final PgDatabase database;

    DatasetPostgresTest(final PgDatabase database) {
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
    String openTimeIs() {
        return "open_time = to_timestamp(? / 1000.0)";
    }
}
