package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.ChildJvm;
import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TimescaleDb;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code tick-engine maintain} on TimescaleDB: VACUUM (ANALYZE) of every engine table and the compression status. */
@TimescaleDb
@ExtendWith(PostgresExtension.class)
class MaintainTimescaleTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldVacuumAndReportCompressionOfEachHypertable(final PgDatabase database) throws Exception {
        final ChildJvm.Exited init = EngineProcess.run("db", "init", "--db-url", database.jdbcUrl());
        assertEquals(0, init.code(), init.output());
        final ChildJvm.Exited out = EngineProcess.run(
                "maintain",
                "--data-dir",
                dataDir.toString(),
                "--db-url",
                database.jdbcUrl(),
                "--set",
                "ticks.retention.days=30");
        assertEquals(0, out.code(), out.output());
        assertTrue(out.output().contains("maintain: VACUUM (ANALYZE) [tables="), out.output());
        assertTrue(
                out.output().contains("maintain: ticks past retention deleted [rows=0, chunks=0, days=30]"),
                out.output());
        assertTrue(out.output().contains("maintain: TimescaleDB market_data [compression=on"), out.output());
        assertTrue(out.output().contains("maintain: TimescaleDB ticks [compression=on"), out.output());
    }
}
