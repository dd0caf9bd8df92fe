package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.ChildJvm;
import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One owner per data dir, with real processes: while {@code tick-engine run} holds a dir, a second {@code run}, an
 * {@code import} and a {@code replay} on it exit 2 naming the dir and the owner's pid and write nothing; after the
 * owner is killed with SIGKILL the dir can be taken again.
 */
class DataDirOwnerTest {
    private static final String FIXTURE = "EURUSD_20260713";

    @TempDir
    Path dataDir;

    @Test
    void shouldRefuseRunImportAndReplayOnAHeldDirAndKeepTheCandlesExact() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        try (EngineProcess engine = EngineProcess.start(dataDir)) {
            final TickPoster poster = new TickPoster(ticks, 0, ticks.size(), engine.port(), 500, "ea-owner");
            poster.run();
            assertEquals(ticks.size(), poster.acknowledged.get(), "posted: " + poster.stoppedBy());
            final String held =
                    "data dir is in use [dir=" + dataDir.toRealPath() + ", pid=" + engine.pid() + ", command=run]";

            final ChildJvm.Exited run = EngineProcess.runToExit(dataDir);
            assertEquals(2, run.code(), run.output());
            assertTrue(run.output().contains(held + "; stop that process first"), run.output());
            assertFalse(run.output().contains("listening"), "the second engine must not start:\n" + run.output());

            // The same ticks under the import's own source: counted twice if the import wrote anything.
            final ChildJvm.Exited imported = EngineProcess.run(
                    "import",
                    "--data-dir",
                    dataDir.toString(),
                    TickFiles.dataDir().resolve(FIXTURE + "_mt5export.csv").toString());
            assertEquals(2, imported.code(), imported.output());
            assertTrue(
                    imported.output()
                            .contains(held + "; stop that process first, or send the file to the running " + "engine"),
                    imported.output());

            final ChildJvm.Exited replay = EngineProcess.run("replay", "--data-dir", dataDir.toString());
            assertEquals(2, replay.code(), replay.output());
            assertTrue(replay.output().contains(held), replay.output());

            engine.kill();
        }
        try (EngineProcess restarted = EngineProcess.start(dataDir)) {
            assertEquals(0, restarted.terminate(), "the killed owner's lock is gone:\n" + restarted.output());
        }
        try (CandleStore store = Stores.openStore(new EngineContext().set("data.dir", dataDir.toString()))) {
            Candles.assertExpectedM1(store, FIXTURE);
        }
    }
}
