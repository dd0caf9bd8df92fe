package io.tickengine.core.testsupport;

import io.tickengine.core.TickEngine;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.tick.TickBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes ticks to an engine's ring in batches, as the HTTP front would, and waits for each batch's journal
 * acknowledgement. Back-pressure is retried after a short park (a test has no event loop to protect).
 */
public final class Feeder {
    /** Ticks acknowledged as journaled. */
    public final AtomicLong accepted = new AtomicLong();
    /** Ticks acknowledged as duplicates. */
    public final AtomicLong duplicates = new AtomicLong();

    private final TickEngine engine;
    private final TickBuffer buffer = new TickBuffer(1024);

    public Feeder(final TickEngine engine) {
        this.engine = engine;
    }

    /**
     * Feeds {@code ticks[from, to)} in batches of {@code batchSize}.
     *
     * @param source the sender id, or {@code null} for ticks without source/seq.
     * @param seqBase seq of tick {@code i} is {@code seqBase + i} when a source is given.
     */
    public void feed(
            final List<TickFiles.Tick> ticks,
            final int from,
            final int to,
            final int batchSize,
            final String source,
            final long seqBase) {
        final int sourceId =
                source == null ? TickBuffer.NO_SOURCE : engine.sources().intern(source);
        for (int start = from; start < to; start += batchSize) {
            final int end = Math.min(to, start + batchSize);
            buffer.clear();
            for (int i = start; i < end; i++) {
                final TickFiles.Tick t = ticks.get(i);
                buffer.add(
                        engine.symbols().intern(t.symbol()),
                        t.timeMsc(),
                        t.bid(),
                        t.ask(),
                        t.last(),
                        t.volume(),
                        0,
                        t.flags(),
                        sourceId,
                        source == null ? TickBuffer.NO_SEQ : seqBase + i);
            }
            publishAndAwait();
        }
    }

    private void publishAndAwait() {
        final CountDownLatch journaled = new CountDownLatch(1);
        final long deadlineNs = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            final long result = engine.gate().tryPublish(buffer, (ok, dup) -> {
                accepted.addAndGet(ok);
                duplicates.addAndGet(dup);
                journaled.countDown();
            });
            if (result >= 0) {
                break;
            }
            if (result != TickRing.BACK_PRESSURED || System.nanoTime() - deadlineNs > 0) {
                throw new IllegalStateException("publish failed [result=" + result + "]");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
        try {
            if (!journaled.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("batch not journaled within 30 s");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
