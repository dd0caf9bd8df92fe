package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.TickEngine;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.tick.TickBuffer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full ring holds an ingest request for up to {@code http.ring.wait.ms} and takes it once there is room; past that
 * (or at once with 0) it is answered 503 with Retry-After; other connections are served meanwhile.
 */
class BackPressureHttpTest {
    private static final String TICK =
            "{\"symbol\":\"EURUSD\",\"time_msc\":1783944000093,\"bid\":1.14273,\"ask\":1.14277,\"flags\":6}";

    @TempDir
    Path dataDir;

    private final CountDownLatch stall = new CountDownLatch(1);

    @Test
    void shouldAnswer503WithRetryAfterWhenTheRingIsFullAndKeepServingOthers() throws Exception {
        try (HttpFixture http = new HttpFixture(
                dataDir, null, "ring.size=1024", "ring.max.batch=256", "journal.sync=true", "http.ring.wait.ms=0")) {
            fillTheRing(http.server.engine());

            final HttpResponse<String> full = http.post("/ingest/tick", "application/json", TICK);
            assertEquals(503, full.statusCode(), full.body());
            assertEquals("1", full.headers().firstValue("Retry-After").orElse(null));
            assertTrue(full.body().contains("ring full"), full.body());
            final HttpResponse<String> health = http.get("/health", null);
            assertEquals(200, health.statusCode(), "other requests are served while the ring is full");
            assertTrue(health.body().contains("\"remaining\":0"), health.body());

            stall.countDown();
            HttpResponse<String> retried;
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            do {
                retried = http.post("/ingest/tick", "application/json", TICK);
            } while (retried.statusCode() == 503 && System.nanoTime() - deadlineNs < 0);
            assertEquals(202, retried.statusCode(), retried.body());
        }
    }

    @Test
    void shouldHoldARequestWhileTheRingIsFullAndTakeItOnceThereIsRoom() throws Exception {
        try (HttpFixture http = new HttpFixture(
                dataDir, null, "ring.size=1024", "ring.max.batch=256", "journal.sync=true", "http.ring.wait.ms=5000")) {
            fillTheRing(http.server.engine());

            final CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return http.post("/ingest/tick", "application/json", TICK);
                } catch (final Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            assertFalse(held.isDone(), "held while the ring is full, not refused");
            final HttpResponse<String> health = http.get("/health", null);
            assertEquals(200, health.statusCode(), "other connections are served meanwhile");

            stall.countDown();
            final HttpResponse<String> taken = held.get(30, TimeUnit.SECONDS);
            assertEquals(202, taken.statusCode(), taken.body());
            assertEquals("{\"accepted\":1,\"duplicates\":0}", taken.body());
        }
    }

    @Test
    void shouldAnswer503OnceTheWaitForRoomIsOver() throws Exception {
        try (HttpFixture http = new HttpFixture(
                dataDir, null, "ring.size=1024", "ring.max.batch=256", "journal.sync=true", "http.ring.wait.ms=400")) {
            fillTheRing(http.server.engine());

            final long startNs = System.nanoTime();
            final HttpResponse<String> full = http.post("/ingest/tick", "application/json", TICK);
            final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

            assertEquals(503, full.statusCode(), full.body());
            assertTrue(full.body().contains("ring full"), full.body());
            assertTrue(waitedMs >= 400, "answered after the wait [waitedMs=" + waitedMs + "]");
            stall.countDown();
        }
    }

    /** Stalls the ring's first handler on a request, then fills every other slot. */
    private void fillTheRing(final TickEngine engine) throws InterruptedException {
        final CountDownLatch stalled = new CountDownLatch(1);
        final TickBuffer ticks = new TickBuffer(256);
        final int symbol = engine.symbols().intern("EURUSD");
        ticks.add(symbol, 1_783_944_000_000L, 1.1, 1.2, 0, 0, 0, 6, TickBuffer.NO_SOURCE, TickBuffer.NO_SEQ);
        // With journal.sync the ring's first handler (the syncer) completes acknowledgements; one that blocks holds
        // the whole ring still.
        assertTrue(engine.gate().tryPublish(ticks, (accepted, duplicates) -> {
                    stalled.countDown();
                    try {
                        stall.await(60, TimeUnit.SECONDS);
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })
                >= 0);
        assertTrue(stalled.await(10, TimeUnit.SECONDS));
        while (engine.gate().tryPublish(ticks, null) != TickRing.BACK_PRESSURED) {
            // fill every remaining slot
        }
    }
}
