package io.tickengine.http;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.TimescaleDb;

/** {@code db init}, the roles and the engine as {@code mt5_app} on TimescaleDB. */
@TimescaleDb
class DbRolesTimescaleTest extends DbRolesTest {
    DbRolesTimescaleTest(final PgDatabase database) {
        super(database);
    }
}
