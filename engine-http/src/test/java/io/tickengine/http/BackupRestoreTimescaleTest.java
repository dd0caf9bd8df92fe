package io.tickengine.http;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.TimescaleDb;

/** {@link BackupRestorePostgresTest} on TimescaleDB: hypertables copied through their parent, restored into chunks. */
@TimescaleDb
class BackupRestoreTimescaleTest extends BackupRestorePostgresTest {
    BackupRestoreTimescaleTest(final PgDatabase source) {
        super(source);
    }
}
