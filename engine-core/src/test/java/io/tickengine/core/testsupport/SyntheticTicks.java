package io.tickengine.core.testsupport;

import io.tickengine.core.TickEngine;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickFlags;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Hand-written ticks for behaviour tests: collect a few with {@link #tick} or {@link #add}, then {@link #publish}
 * them as one request and wait until they are journaled and seen by the candle aggregator, so requests reach the
 * engine in the order they were published.
 *
 * <p>Waiting for the aggregator too keeps a test's candles independent of a known shutdown race: {@code close()} may
 * return before an aggregator thread that has not started yet has seen the last ticks (see
 * {@code TickEngineShutdownTest}).
 */
public final class SyntheticTicks {
    private static final long ACK_TIMEOUT_S = 30;

    private final TickEngine engine;
    private final TickBuffer buffer = new TickBuffer(16);

    /** Ticks the last {@link #publish} call got acknowledged as journaled. */
    public int accepted;
    /** Ticks the last {@link #publish} call got acknowledged as duplicates. */
    public int duplicates;

    public SyntheticTicks(final TickEngine engine) {
        this.engine = engine;
    }

    /** Adds a tick with a bid and an ask only. */
    public SyntheticTicks tick(final String symbol, final long timeMsc, final double bid, final double ask) {
        return add(symbol, timeMsc, bid, ask, 0, 0, null, TickBuffer.NO_SEQ);
    }

    /**
     * Adds a tick with every field a test may care about.
     *
     * @param source the sender id, or {@code null} for none (then {@code seq} must be {@link TickBuffer#NO_SEQ}).
     */
    public SyntheticTicks add(
            final String symbol,
            final long timeMsc,
            final double bid,
            final double ask,
            final double last,
            final double volumeReal,
            final String source,
            final long seq) {
        return add(symbol, timeMsc, bid, ask, last, 0, volumeReal, TickFlags.BID | TickFlags.ASK, source, seq);
    }

    /** Adds a tick, every field given. */
    public SyntheticTicks add(
            final String symbol,
            final long timeMsc,
            final double bid,
            final double ask,
            final double last,
            final long volume,
            final double volumeReal,
            final int flags,
            final String source,
            final long seq) {
        buffer.add(
                engine.symbols().intern(symbol),
                timeMsc,
                bid,
                ask,
                last,
                volume,
                volumeReal,
                flags,
                source == null ? TickBuffer.NO_SOURCE : engine.sources().intern(source),
                seq);
        return this;
    }

    /**
     * Publishes the ticks added since the last call as one request and waits until they are journaled.
     *
     * @return this, with {@link #accepted} and {@link #duplicates} of this request.
     */
    public SyntheticTicks publish() {
        final EngineMetrics metrics = engine.metrics();
        final long journaledBefore = metrics.ticksJournaled.get();
        final long appliedBefore = applied(metrics);
        final CountDownLatch journaled = new CountDownLatch(1);
        final AtomicInteger acceptedBox = new AtomicInteger();
        final AtomicInteger duplicatesBox = new AtomicInteger();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(ACK_TIMEOUT_S);
        while (true) {
            final long result = engine.gate().tryPublish(buffer, (ok, dup) -> {
                acceptedBox.set(ok);
                duplicatesBox.set(dup);
                journaled.countDown();
            });
            if (result >= 0) {
                break;
            }
            if (result != TickRing.BACK_PRESSURED || System.nanoTime() - deadlineNs > 0) {
                throw new IllegalStateException("publish failed [result=" + result + "]");
            }
            LockSupport.parkNanos(100_000);
        }
        try {
            if (!journaled.await(ACK_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new IllegalStateException("request not journaled within " + ACK_TIMEOUT_S + " s");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        buffer.clear();
        accepted = acceptedBox.get();
        duplicates = duplicatesBox.get();
        // Every journaled tick ends up aggregated, late, without price or as a handler error (which the test then
        // reports): wait until the aggregator has them all.
        final long journaledNow = metrics.ticksJournaled.get() - journaledBefore;
        while (applied(metrics) - appliedBefore < journaledNow) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new IllegalStateException("ticks not aggregated within " + ACK_TIMEOUT_S + " s");
            }
            LockSupport.parkNanos(100_000);
        }
        return this;
    }

    private static long applied(final EngineMetrics metrics) {
        return metrics.ticksAggregated.get()
                + metrics.ticksLate.get()
                + metrics.ticksNoPrice.get()
                + metrics.handlerErrors.get();
    }
}
