package io.tickengine.core.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.tickengine.core.candle.BarBuffer;
import io.tickengine.core.tick.TickBuffer;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Disruptor ring between the producers (HTTP event loops, importers) and the handler chain
 * {@code journal -> aggregator}.
 *
 * <p>{@link #tryPublish} never waits: it claims all slots of a request at once or none, and reports a full ring as
 * {@link #BACK_PRESSURED} (Aeron's {@code Publication.offer} style), so an event loop is never blocked. Safe to call
 * from any number of threads.
 */
public final class TickRing {
    /** The ring has no room for the whole batch now; nothing was published. Try again later (HTTP 503). */
    public static final long BACK_PRESSURED = -1;
    /** The ring is closed for shutdown; nothing was published. */
    public static final long CLOSED = -2;
    /** The batch is larger than {@link #maxBatchSize()} and can never be published whole. */
    public static final long TOO_LARGE = -3;

    private final Disruptor<TickEvent> disruptor;
    private final RingBuffer<TickEvent> ringBuffer;
    private final int maxBatchSize;
    private final AtomicInteger activePublishers = new AtomicInteger();
    private volatile boolean closed;
    /** The handler threads, joined by {@link #close}: a handler's {@code onShutdown} runs after Disruptor returns. */
    private final java.util.List<Thread> handlerThreads = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param size slots, a power of two.
     * @param maxBatchSize the most ticks one publish call may carry; at most half the ring.
     */
    public TickRing(
            final int size,
            final int maxBatchSize,
            final WaitStrategyType waitStrategy,
            final ThreadFactory threadFactory,
            final ExceptionHandler<TickEvent> exceptionHandler,
            final EventHandler<TickEvent> journalHandler,
            final EventHandler<TickEvent> aggregator) {
        if (Integer.bitCount(size) != 1 || size < 4) {
            throw new IllegalArgumentException("ring size must be a power of two >= 4 [size=" + size + "]");
        }
        if (maxBatchSize < 1 || maxBatchSize > size / 2) {
            throw new IllegalArgumentException(
                    "max batch must be between 1 and half the ring [maxBatch=" + maxBatchSize + ", ring=" + size + "]");
        }
        this.maxBatchSize = maxBatchSize;
        final ThreadFactory tracked = runnable -> {
            final Thread thread = threadFactory.newThread(runnable);
            handlerThreads.add(thread);
            return thread;
        };
        this.disruptor = new Disruptor<>(TickEvent::new, size, tracked, ProducerType.MULTI, waitStrategy.create());
        disruptor.setDefaultExceptionHandler(exceptionHandler);
        disruptor.handleEventsWith(journalHandler).then(aggregator);
        this.ringBuffer = disruptor.getRingBuffer();
    }

    /** Starts the handler threads. */
    public void start() {
        disruptor.start();
    }

    /** @return the most ticks one {@link #tryPublish} call may carry. */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    /** @return free slots now; a hint, racing with producers and handlers. */
    public long remainingCapacity() {
        return ringBuffer.remainingCapacity();
    }

    /** @return the ring's size in slots. */
    public int size() {
        return ringBuffer.getBufferSize();
    }

    /**
     * Publishes every tick of {@code ticks}, or none.
     *
     * @param ack told when all of them are journaled; may be {@code null}.
     * @return the sequence of the last tick published, or {@link #BACK_PRESSURED}, {@link #CLOSED} or
     *     {@link #TOO_LARGE}.
     */
    public long tryPublish(final TickBuffer ticks, final IngestAck ack) {
        return tryPublish(TICKS, ticks, ticks.size(), ack);
    }

    /**
     * Publishes every bar of {@code bars}, or none: bars given whole (history backfill), journaled and then written
     * as they are, replacing the stored bar.
     *
     * @return as {@link #tryPublish(TickBuffer, IngestAck)}.
     */
    public long tryPublishBars(final BarBuffer bars, final IngestAck ack) {
        return tryPublish(BARS, bars, bars.size(), ack);
    }

    /** Fills slot {@code e} from item {@code i} of a batch. Stateless: one shared instance per kind, no capture. */
    private interface Translator<T> {
        void translate(T batch, int i, TickEvent e);
    }

    private static final Translator<TickBuffer> TICKS = (ticks, i, e) -> {
        e.type = TickEvent.TYPE_TICK;
        e.symbolId = ticks.symbolId(i);
        e.timeMsc = ticks.timeMsc(i);
        e.bid = ticks.bid(i);
        e.ask = ticks.ask(i);
        e.last = ticks.last(i);
        e.volume = ticks.volume(i);
        e.volumeReal = ticks.volumeReal(i);
        e.flags = ticks.flags(i);
        e.sourceId = ticks.sourceId(i);
        e.seq = ticks.seq(i);
    };

    private static final Translator<BarBuffer> BARS = (bars, i, e) -> {
        e.type = TickEvent.TYPE_BAR;
        e.symbolId = bars.symbolId(i);
        e.timeMsc = bars.openTimeMsc(i);
        e.barTimeframe = bars.timeframe(i);
        e.barOpen = bars.open(i);
        e.barHigh = bars.high(i);
        e.barLow = bars.low(i);
        e.barClose = bars.close(i);
        e.barTickVolume = bars.tickVolume(i);
        e.barRealVolume = bars.realVolume(i);
        e.barSpread = bars.spread(i);
        e.sourceId = -1;
        e.seq = 0;
    };

    private <T> long tryPublish(final Translator<T> translator, final T batch, final int n, final IngestAck ack) {
        if (n < 1) {
            throw new IllegalArgumentException("nothing to publish");
        }
        if (n > maxBatchSize) {
            return TOO_LARGE;
        }
        activePublishers.getAndIncrement();
        try {
            if (closed) {
                return CLOSED;
            }
            final long hi;
            try {
                hi = ringBuffer.tryNext(n);
            } catch (final InsufficientCapacityException e) {
                // A preallocated singleton without a stack trace: cheap, and the expected outcome of a full ring.
                return BACK_PRESSURED;
            }
            final long lo = hi - (n - 1);
            final long nowNs = System.nanoTime();
            for (int i = 0; i < n; i++) {
                final TickEvent e = ringBuffer.get(lo + i);
                translator.translate(batch, i, e);
                e.endsRequest = i == n - 1;
                e.ack = e.endsRequest ? ack : null;
                e.publishNs = nowNs;
                e.duplicate = false;
                e.journalIndex = -1;
            }
            ringBuffer.publish(lo, hi);
            return hi;
        } finally {
            activePublishers.getAndDecrement();
        }
    }

    /**
     * Publishes a replace record ({@link TickEvent#TYPE_REPLACE}): the symbol's ticks within
     * {@code [fromMsc, toMsc]} journaled before {@code beforeIndex} become void once it is journaled.
     *
     * @return as {@link #tryPublish(TickBuffer, IngestAck)}.
     */
    public long tryPublishReplace(
            final int symbolId, final long fromMsc, final long toMsc, final long beforeIndex, final IngestAck ack) {
        activePublishers.getAndIncrement();
        try {
            if (closed) {
                return CLOSED;
            }
            final long sequence;
            try {
                sequence = ringBuffer.tryNext();
            } catch (final InsufficientCapacityException e) {
                return BACK_PRESSURED;
            }
            final TickEvent e = ringBuffer.get(sequence);
            e.type = TickEvent.TYPE_REPLACE;
            e.symbolId = symbolId;
            e.timeMsc = fromMsc;
            e.replaceToMsc = toMsc;
            e.replaceBeforeIndex = beforeIndex;
            e.sourceId = -1;
            e.seq = 0;
            e.endsRequest = true;
            e.ack = ack;
            e.publishNs = System.nanoTime();
            e.duplicate = false;
            e.journalIndex = -1;
            ringBuffer.publish(sequence);
            return sequence;
        } finally {
            activePublishers.getAndDecrement();
        }
    }

    /**
     * The event at {@code sequence} once it is published, for the first handler reading ahead to the end of the
     * request whose first event it holds. A request's slots are claimed together and published by one call, so
     * the wait is the few instructions the producer has left of that call.
     *
     * <p>Handler thread only, for sequences of a request it has begun: their slots cannot be reused before the
     * handler passes them.
     */
    public TickEvent published(final long sequence) {
        int spins = 0;
        while (!ringBuffer.isAvailable(sequence)) {
            // On 2 cores the producer may be descheduled mid-publish: let it run.
            if (++spins > 100) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
        return ringBuffer.get(sequence);
    }

    /**
     * Publishes a heartbeat, which lets the handlers finish work left over when no tick follows.
     *
     * @return true if published, false if the ring is full or closed (then there is work coming anyway, or none).
     */
    public boolean tryPublishHeartbeat() {
        activePublishers.getAndIncrement();
        try {
            if (closed) {
                return false;
            }
            final long sequence;
            try {
                sequence = ringBuffer.tryNext();
            } catch (final InsufficientCapacityException e) {
                return false;
            }
            final TickEvent e = ringBuffer.get(sequence);
            e.type = TickEvent.TYPE_HEARTBEAT;
            e.endsRequest = false;
            e.ack = null;
            e.duplicate = false;
            e.journalIndex = -1;
            ringBuffer.publish(sequence);
            return true;
        } finally {
            activePublishers.getAndDecrement();
        }
    }

    /** @return true once {@link #close} has begun. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops accepting, waits for publishers already inside {@link #tryPublish}, then lets the handlers process every
     * published event and stops their threads.
     *
     * @return false if the handlers did not drain within the timeout (they are halted anyway).
     */
    public boolean close(final long timeout, final TimeUnit unit) {
        closed = true;
        final long deadlineNs = System.nanoTime() + unit.toNanos(timeout);
        while (activePublishers.get() != 0 && deadlineNs - System.nanoTime() > 0) {
            Thread.onSpinWait();
        }
        // Disruptor's shutdown() only waits for handlers whose threads are already running; one that has not
        // started yet would be halted before its first event. Wait for the last handler to pass the cursor first.
        final long cursor = ringBuffer.getCursor();
        while (ringBuffer.getMinimumGatingSequence() < cursor && deadlineNs - System.nanoTime() > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(100_000L);
        }
        try {
            disruptor.shutdown(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (final com.lmax.disruptor.TimeoutException e) {
            disruptor.halt();
            return false;
        }
        // shutdown() only halts the handlers: wait for their onShutdown (the aggregator's last hand-over) to finish,
        // so that what comes after (the writer's close) sees everything.
        for (final Thread thread : handlerThreads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** Stops the handler threads at once, without draining; for tests that simulate a crash. */
    public void halt() {
        closed = true;
        disruptor.halt();
    }
}
