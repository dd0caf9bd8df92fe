package io.tickengine.core.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Disruptor ring between the ingest gate ({@code io.tickengine.core.ingest.IngestGate}, which journals every
 * request before it publishes it) and the handlers behind the journal: the candle aggregator, after the group-commit
 * syncer when {@code journal.sync} is on.
 *
 * <p>{@link #tryPublish} never waits: it claims all slots of a request at once or none, and reports a full ring as
 * {@link #BACK_PRESSURED} (Aeron's {@code Publication.offer} style), so an event loop is never blocked.
 *
 * <p>One publisher at a time: callers serialise {@link #tryPublish} (the ingest gate calls it under its lock, which
 * also orders the calls of different event loops). The ring is single-producer, so the cursor moves only when a
 * request is published and a handler never sees slots that are claimed but not filled yet. On a multi-producer ring
 * the aggregator spun on those: with 1,000-tick requests, JFR put 58% of its samples in
 * {@code MultiProducerSequencer.getHighestPublishedSequence}, on a core the event loop needed.
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
    /** The handler threads once started, woken each time {@link #wakeStride} slots more are published. */
    private volatile Thread[] wakeable = new Thread[0];
    /**
     * log2 of an eighth of the ring: a handler that parks long while idle (off the acknowledgement path, see
     * {@code HandlerWaitStrategy}) is woken by the publisher before a burst can fill the ring behind it.
     */
    private final int wakeShift;

    /**
     * @param size slots, a power of two.
     * @param maxBatchSize the most ticks one publish call may carry; at most half the ring.
     * @param handlers the handlers, each after the one before it (at least one).
     * @param firstOnAckPath true if the first handler completes acknowledgements (it then waits the short way).
     */
    public TickRing(
            final int size,
            final int maxBatchSize,
            final WaitStrategyType waitStrategy,
            final ThreadFactory threadFactory,
            final ExceptionHandler<TickEvent> exceptionHandler,
            final java.util.List<EventHandler<TickEvent>> handlers,
            final boolean firstOnAckPath) {
        if (Integer.bitCount(size) != 1 || size < 4) {
            throw new IllegalArgumentException("ring size must be a power of two >= 4 [size=" + size + "]");
        }
        if (maxBatchSize < 1 || maxBatchSize > size / 2) {
            throw new IllegalArgumentException(
                    "max batch must be between 1 and half the ring [maxBatch=" + maxBatchSize + ", ring=" + size + "]");
        }
        this.maxBatchSize = maxBatchSize;
        this.wakeShift = Math.max(0, Integer.numberOfTrailingZeros(size) - 3);
        final ThreadFactory tracked = runnable -> {
            final Thread thread = threadFactory.newThread(runnable);
            handlerThreads.add(thread);
            return thread;
        };
        this.disruptor = new Disruptor<>(
                TickEvent::new, size, tracked, ProducerType.SINGLE, waitStrategy.create(firstOnAckPath));
        disruptor.setDefaultExceptionHandler(exceptionHandler);
        if (handlers.isEmpty()) {
            throw new IllegalArgumentException("a ring needs a handler");
        }
        var group = disruptor.handleEventsWith(handlers.get(0));
        for (int i = 1; i < handlers.size(); i++) {
            group = group.then(handlers.get(i));
        }
        this.ringBuffer = disruptor.getRingBuffer();
    }

    /** Starts the handler threads. */
    public void start() {
        disruptor.start();
        wakeable = handlerThreads.toArray(new Thread[0]);
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
     * Fills slot {@code e} from item {@code i} of a batch, inside {@link #tryPublish}: after the slot's request fields
     * are reset and before it is published. One shared instance per kind, without capture.
     */
    public interface Translator<T> {
        void translate(T batch, int i, TickEvent e);
    }

    /**
     * Ends a request once all its slots are filled, before they are published (the ingest gate commits the request's
     * journal document here). One shared instance, without capture.
     */
    @FunctionalInterface
    public interface Seal {
        /**
         * @return false if the request failed after its slots were filled: every slot of it is then published as a
         *     duplicate (nothing of it is aggregated) and its last slot carries no answer.
         */
        boolean seal();
    }

    /**
     * Publishes {@code n} events filled by {@code translator} from {@code batch}, all or none: the slots are claimed
     * together and published by one call.
     *
     * @param ack set on the last event, for a handler to complete; may be {@code null}.
     * @return the sequence of the last event published, or {@link #BACK_PRESSURED}, {@link #CLOSED} or
     *     {@link #TOO_LARGE}.
     */
    public <T> long tryPublish(final Translator<T> translator, final T batch, final int n, final IngestAck ack) {
        return tryPublish(translator, batch, n, ack, null, System.nanoTime());
    }

    /**
     * As {@link #tryPublish(Translator, Object, int, IngestAck)}, and {@code seal} ends the request between filling
     * its slots and publishing them.
     *
     * @param seal may be {@code null}.
     * @param nowNs the caller's {@code System.nanoTime()} (a reading it has taken anyway): the events' publish time.
     */
    public <T> long tryPublish(
            final Translator<T> translator,
            final T batch,
            final int n,
            final IngestAck ack,
            final Seal seal,
            final long nowNs) {
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
            boolean sealed = false;
            try {
                for (int i = 0; i < n; i++) {
                    final TickEvent e = ringBuffer.get(lo + i);
                    e.endsRequest = i == n - 1;
                    e.ack = e.endsRequest ? ack : null;
                    e.publishNs = nowNs;
                    e.duplicate = false;
                    e.journalIndex = -1;
                    translator.translate(batch, i, e);
                }
                sealed = seal == null || seal.seal();
            } finally {
                if (!sealed) {
                    // The seal refused the request, or something threw before it (a memory-mapped write's fault may
                    // surface a little after the write): nothing of the request may be aggregated.
                    for (long s = lo; s <= hi; s++) {
                        ringBuffer.get(s).duplicate = true;
                    }
                    ringBuffer.get(hi).ack = null;
                }
                // Claimed slots must be published whatever happened, or the ring stalls behind them.
                ringBuffer.publish(lo, hi);
            }
            if ((lo - 1) >> wakeShift != hi >> wakeShift) {
                wakeHandlers();
            }
            return hi;
        } finally {
            activePublishers.getAndDecrement();
        }
    }

    /** Ends the park of every handler thread now; one that is running keeps a permit it may use later. */
    private void wakeHandlers() {
        final Thread[] threads = wakeable;
        for (int i = 0; i < threads.length; i++) {
            java.util.concurrent.locks.LockSupport.unpark(threads[i]);
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
