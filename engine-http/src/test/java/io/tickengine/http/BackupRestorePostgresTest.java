package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.testsupport.ChildJvm;
import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link AbstractBackupRestoreTest} on PostgreSQL: the engine's tables are copied in one snapshot and restored into
 * another database that {@code db init} prepared, as an operator would.
 */
@ExtendWith(PostgresExtension.class)
class BackupRestorePostgresTest extends AbstractBackupRestoreTest {
    private final PgDatabase source;
    private String target;

    BackupRestorePostgresTest(final PgDatabase source) {
        this.source = source;
    }

    @Override
    List<String> sourceStore() {
        return List.of("--db-url", source.jdbcUrl());
    }

    @Override
    List<String> targetStore() throws Exception {
        if (target == null) {
            final String name = source.name() + "_restored";
            try (Connection c = source.connect();
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
            target = source.jdbcUrl().replaceFirst("/" + source.name() + "(?=\\?|$)", "/" + name);
            if (source.timescaledb()) {
                try (Connection c = java.sql.DriverManager.getConnection(target, source.user(), source.password());
                        Statement s = c.createStatement()) {
                    s.execute("CREATE EXTENSION IF NOT EXISTS timescaledb");
                }
            }
            final ChildJvm.Exited init = EngineProcess.run("db", "init", "--db-url", target);
            assertEquals(0, init.code(), init.output());
        }
        return List.of("--db-url", target);
    }
}
