package io.tickengine.core.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.util.DaemonThreadFactory;
import io.tickengine.core.tick.TickBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ring never blocks its producers: a full ring is a result, answered at once. */
class TickRingTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger handled = new AtomicInteger();
    private TickRing ring;

    @AfterEach
    void tearDown() {
        release.countDown();
        if (ring != null) {
            ring.close(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldReturnBackPressuredAtOnceWhenTheRingIsFull() {
        final EventHandler<TickEvent> stalled = (event, sequence, endOfBatch) -> release.await();
        ring = newRing(16, 8, stalled);
        final TickBuffer batch = batchOf(8);
        assertTrue(publish(batch, null) >= 0);
        assertTrue(publish(batch, null) >= 0);

        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
            final long startNs = System.nanoTime();
            final long result = publish(batch, null);
            final long elapsedNs = System.nanoTime() - startNs;
            assertEquals(TickRing.BACK_PRESSURED, result);
            // Not a performance claim (that is JMH's job): only proof that the call returned instead of waiting.
            System.out.println("back-pressure answered [ns=" + elapsedNs + "]");
        });
        assertEquals(0, ring.remainingCapacity());
    }

    @Test
    void shouldPublishAllOrNothingAndAcceptAgainOnceDrained() throws Exception {
        final CountDownLatch journaled = new CountDownLatch(1);
        ring = newRing(16, 8, (event, sequence, endOfBatch) -> {
            release.await();
            handled.incrementAndGet();
            if (event.ack() != null) {
                event.ack().onJournaled(8, 0);
            }
        });
        final TickBuffer batch = batchOf(8);
        assertTrue(publish(batch, null) >= 0);
        assertTrue(publish(batch, null) >= 0);
        assertEquals(TickRing.BACK_PRESSURED, publish(batchOf(1), null));
        release.countDown();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long result;
        do {
            result = publish(batch, (accepted, duplicates) -> journaled.countDown());
        } while (result == TickRing.BACK_PRESSURED && System.nanoTime() - deadlineNs < 0);
        assertTrue(result >= 0);
        assertTrue(journaled.await(5, TimeUnit.SECONDS));
        assertEquals(24, handled.get(), "no partial batch was ever published");
    }

    @Test
    void shouldRefuseBatchesLargerThanItsLimitAndAnythingAfterClose() {
        ring = newRing(16, 8, (event, sequence, endOfBatch) -> {});
        assertEquals(TickRing.TOO_LARGE, publish(batchOf(9), null));
        ring.close(5, TimeUnit.SECONDS);
        assertEquals(TickRing.CLOSED, publish(batchOf(1), null));
    }

    private static TickRing newRing(final int size, final int maxBatch, final EventHandler<TickEvent> first) {
        final TickRing ring = new TickRing(
                size,
                maxBatch,
                WaitStrategyType.SLEEPING,
                DaemonThreadFactory.INSTANCE,
                new FailingExceptionHandler(),
                java.util.List.of(first, (event, sequence, endOfBatch) -> {}),
                true);
        ring.start();
        return ring;
    }

    /** Publishes the ticks as they are, as the ingest gate does after it has journaled them. */
    private long publish(final TickBuffer ticks, final IngestAck ack) {
        return ring.tryPublish((batch, i, e) -> e.fillTick(batch, i), ticks, ticks.size(), ack);
    }

    private static TickBuffer batchOf(final int n) {
        final TickBuffer buffer = new TickBuffer(n);
        for (int i = 0; i < n; i++) {
            buffer.add(0, 1_783_944_000_000L + i, 1.1, 1.2, 0, 0, 0, 6, TickBuffer.NO_SOURCE, TickBuffer.NO_SEQ);
        }
        return buffer;
    }

    private static final class FailingExceptionHandler implements ExceptionHandler<TickEvent> {
        @Override
        public void handleEventException(final Throwable ex, final long sequence, final TickEvent event) {
            throw new AssertionError(ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex) {
            throw new AssertionError(ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex) {
            throw new AssertionError(ex);
        }
    }
}
