package io.tickengine.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.testsupport.LoopbackPorts;
import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine started against a real PostgreSQL with an unknown role, a missing database and a port nobody listens on
 * gives up after {@code db.startup.timeout.ms} with the driver's reason, not the pool's timeout.
 */
@ExtendWith(PostgresExtension.class)
class DatabaseErrorsTest {
    private final PgDatabase database;
    private final String host;
    private final String port;

    @TempDir
    Path dataDir;

    DatabaseErrorsTest(final PgDatabase database) {
        this.database = database;
        final Properties url = org.postgresql.Driver.parseURL(database.jdbcUrl(), null);
        this.host = url.getProperty("PGHOST");
        this.port = url.getProperty("PGPORT");
    }

    @Test
    void shouldNameTheUserWhenItsRoleDoesNotExist() throws Exception {
        // The URL's user wins over db.user in pgjdbc, so the user is changed in the URL.
        final StoreException e = startFails(database.jdbcUrl().replace("user=" + database.user(), "user=nobody"));

        assertEquals("authentication failed for user \"nobody\" [server=role \"nobody\" does not exist]", e.reason());
    }

    @Test
    void shouldNameTheDatabaseThatDoesNotExist() throws Exception {
        final String url = database.jdbcUrl().replace("/" + database.name(), "/no_such_db");

        final StoreException e = startFails(url);

        assertEquals("database \"no_such_db\" does not exist [host=" + host + ", port=" + port + "]", e.reason());
    }

    @Test
    void shouldNameHostAndPortWhenNobodyListens() throws Exception {
        final int closedPort = LoopbackPorts.free();

        final StoreException e = startFails("jdbc:postgresql://127.0.0.1:" + closedPort + "/ticks");

        assertEquals("connection refused [host=127.0.0.1, port=" + closedPort + "]", e.reason());
    }

    private StoreException startFails(final String url) {
        final EngineContext context = new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("db.url", url)
                .set("db.connect.timeout.ms", "300")
                .set("db.startup.timeout.ms", "5000");
        final StoreException e = assertThrows(StoreException.class, () -> TickEngine.start(context));
        assertTrue(
                e.getMessage().startsWith("the database is not ready within db.startup.timeout.ms [store=postgresql "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("timeoutMs=5000, reason=" + e.reason() + "]"), e.getMessage());
        return e;
    }
}
