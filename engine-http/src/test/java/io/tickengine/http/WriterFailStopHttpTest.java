package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.store.CandleRow;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.RebuildRequest;
import io.tickengine.core.store.RecoveryState;
import io.tickengine.core.store.StoreBatch;
import io.tickengine.core.store.StoreException;
import io.tickengine.core.testsupport.Settle;
import io.tickengine.core.testsupport.TickFiles;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A candle writer that throws something it was not built for (not a store down, not a refused bar) must not carry
 * on: ingest answers {@code 503} with the reason, {@code /health} is red with it, nothing more is written; after a
 * restart without the fault, the journal replay gives exact candles for every acknowledged tick.
 */
class WriterFailStopHttpTest {
    private static final String FIXTURE = "EURUSD_20260713";

    @TempDir
    Path dataDir;

    @Test
    void shouldStopIngestWhenTheWriterThrowsAndReplayToExactCandlesAfterARestart() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        final int third = ticks.size() / 3;
        final AtomicBoolean fault = new AtomicBoolean();
        int next;
        try (HttpFixture http = new HttpFixture(
                dataDir, null, context -> context.candleStoreDecorator(store -> new FaultyStore(store, fault)))) {
            assertEquals(202, post(http, ticks, 0, third).statusCode());
            Settle.await(http.server.engine(), 30_000);

            fault.set(true);
            next = third;
            final long deadlineNs = System.nanoTime() + 30_000_000_000L;
            HttpResponse<String> refused = null;
            while (refused == null) {
                assertTrue(System.nanoTime() - deadlineNs < 0, "ingest never stopped");
                final int end = Math.min(ticks.size(), next + 50);
                final HttpResponse<String> r = post(http, ticks, next, end);
                if (r.statusCode() == 202) {
                    next = end;
                    if (next == ticks.size()) {
                        next = third; // all sent: resend (duplicates) until the writer has failed
                    }
                } else {
                    refused = r;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
            }
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            assertTrue(refused.body().contains("candle writer failed"), refused.body());
            assertTrue(refused.body().contains("injected writer fault"), refused.body());
            assertTrue(refused.body().contains("restart the engine"), refused.body());

            final HttpResponse<String> health = http.get("/health", null);
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(health.body().contains("candle writer failed"), health.body());
            final HttpResponse<String> metrics = http.get("/metrics", HttpFixture.READ_KEY);
            assertEquals(1.0, PromText.parse(metrics.body()).get(PromText.key("tick_ingest_stopped")), metrics.body());
            assertTrue(http.server.engine().metrics().agentErrors.get() >= 1);
        }

        // The fault gone, a restart: the journal replay rebuilds what the writer never committed.
        try (HttpFixture http = new HttpFixture(dataDir, null)) {
            assertEquals(202, post(http, ticks, 0, ticks.size()).statusCode());
            Settle.await(http.server.engine(), 30_000);
            assertEquals(
                    HttpFixture.expectedM1(FIXTURE), http.candlesM1(ticks.get(0).symbol()));
            assertEquals(HttpFixture.ticksCsv(ticks), http.ticksCsv(ticks.get(0).symbol()));
        }
    }

    private static HttpResponse<String> post(
            final HttpFixture http, final List<TickFiles.Tick> ticks, final int from, final int to) throws Exception {
        return http.post("/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, from, to, "ea"));
    }

    /** The engine's store, whose writes throw an unexpected error while {@code fault} is set. */
    private record FaultyStore(CandleStore store, AtomicBoolean fault) implements CandleStore {
        @Override
        public int write(final StoreBatch batch) throws StoreException {
            if (fault.get()) {
                throw new IllegalStateException("injected writer fault");
            }
            return store.write(batch);
        }

        @Override
        public void initSchema() throws StoreException {
            store.initSchema();
        }

        @Override
        public RecoveryState loadRecoveryState() throws StoreException {
            return store.loadRecoveryState();
        }

        @Override
        public List<CandleRow> candles(
                final String symbol, final Timeframe timeframe, final long fromMsc, final long toMsc, final int limit)
                throws StoreException {
            return store.candles(symbol, timeframe, fromMsc, toMsc, limit);
        }

        @Override
        public List<RebuildRequest> rebuildRequests(final long throughJournalIndex, final int limit)
                throws StoreException {
            return store.rebuildRequests(throughJournalIndex, limit);
        }

        @Override
        public long pendingRebuilds() throws StoreException {
            return store.pendingRebuilds();
        }

        @Override
        public String describe() {
            return store.describe();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
