package io.tickengine.http;

import java.util.List;

/** {@link AbstractBackupRestoreTest} on the embedded SQLite store. */
class BackupRestoreSqliteTest extends AbstractBackupRestoreTest {
    @Override
    List<String> sourceStore() {
        return List.of();
    }

    @Override
    List<String> targetStore() {
        return List.of();
    }
}
