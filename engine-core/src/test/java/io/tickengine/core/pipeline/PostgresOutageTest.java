package io.tickengine.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.TickEngine;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.Feeder;
import io.tickengine.core.testsupport.LocalPostgres;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.Settle;
import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Database outage mid-file: PostgreSQL is killed ({@code pg_ctl stop -m immediate}) while ticks keep coming, then
 * started again. Ingest must go on acknowledging, and every candle must arrive, equal to the expected file.
 * Needs its own cluster (it stops it), so it needs local PostgreSQL server binaries.
 */
class PostgresOutageTest {
    @TempDir
    Path dataDir;

    private LocalPostgres postgres;

    @BeforeEach
    void startPostgres() {
        postgres = PostgresExtension.startDedicated();
        postgres.createDatabase("outage");
    }

    @AfterEach
    void stopPostgres() {
        postgres.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"EURUSD_20260713", "BTCUSD_20230220"})
    void shouldDeliverEveryCandleAfterTheDatabaseComesBack(final String fixture) throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
        final int third = ticks.size() / 3;
        try (TickEngine engine = TickEngine.start(PipelineFixture.context(dataDir, postgres.jdbcUrl("outage")))) {
            final Feeder feeder = new Feeder(engine);
            feeder.feed(ticks, 0, third, 100, "outage-src", 1);
            waitForCommit(engine, "before the outage");

            postgres.stopImmediate();
            feeder.feed(ticks, third, 2 * third, 100, "outage-src", 1);
            assertEquals(2L * third, feeder.accepted.get(), "ingest goes on while the database is down");
            waitFor(() -> engine.metrics().storeErrors.get() > 0, "the writer to notice the outage");

            assertTrue(engine.metrics().tickStoreLag.get() >= 0, "the tick store's lag is reported");
            waitFor(() -> engine.metrics().tickStoreUp.get() == 0, "the tick store to notice the outage");

            postgres.startAgain();
            feeder.feed(ticks, 2 * third, ticks.size(), 100, "outage-src", 1);
            assertEquals(ticks.size(), feeder.accepted.get());
            // The ticks waited in the journal: the tick store catches up with all of them, each once.
            Settle.await(engine, 60_000);
            assertEquals(1, engine.metrics().tickStoreUp.get());
            assertEquals(
                    ticks.size(),
                    engine.tickStore()
                            .ticks(ticks.get(0).symbol(), 0, Long.MAX_VALUE, 1_000_000)
                            .size());
        }
        // Read straight from the database: what the writer committed after the outage, no restart to help it.
        try (CandleStore store = Stores.openStore(PipelineFixture.context(dataDir, postgres.jdbcUrl("outage")))) {
            Candles.assertExpectedM1(store, fixture);
            Candles.assertHigherTimeframesMatchM1(
                    store,
                    ticks.get(0).symbol(),
                    PipelineFixture.context(dataDir, null).timeframes(),
                    0);
        }
    }

    private static void waitForCommit(final TickEngine engine, final String what) {
        waitFor(() -> engine.metrics().storeBatches.get() > 0, "a store commit " + what);
    }

    private static void waitFor(final java.util.function.BooleanSupplier condition, final String what) {
        final long deadlineNs = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadlineNs < 0, "timed out waiting for " + what);
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        }
    }
}
