package io.tickengine.core;

import io.tickengine.core.candle.CandleAggregator;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.store.BarRebuilder;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.CandleWriter;
import io.tickengine.core.store.TickStore;
import io.tickengine.core.store.TickStoreWriter;
import io.tickengine.core.tick.NameTable;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The pipeline's parts, made from an {@link EngineContext}: one place that turns configuration into components, for
 * the running engine ({@link TickEngine}) and for the tools that run parts of it ({@code HistoryRebuild}).
 */
public final class EngineParts {
    /** Ticks per tick store transaction, at most. */
    static final int TICK_STORE_BATCH = 20_000;
    /** How often the rebuilder looks for requests when it has none. */
    static final long REBUILD_POLL_MS = 200;
    /** Shortest sleep of an idle candle writer: it wakes this soon after the last bars it wrote... */
    static final long WRITER_IDLE_MIN_NS = 200_000L;
    /** ... and backs off to this while idle (the store commits every 100 ms anyway; 40 wake-ups a second). */
    static final long WRITER_IDLE_MAX_NS = 25_000_000L;

    private EngineParts() {}

    /** @return the aggregator-to-writer ring buffer, {@code writer.ring.bytes} big. */
    public static OneToOneRingBuffer writerRing(final EngineContext context) {
        return new OneToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(context.writerRingBytes() + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /** @return the candle aggregator, handing its messages to {@code toWriter}. */
    public static CandleAggregator aggregator(
            final EngineContext context,
            final NameTable symbols,
            final OneToOneRingBuffer toWriter,
            final EngineMetrics metrics) {
        return new CandleAggregator(
                symbols,
                context.timeframes().toArray(new Timeframe[0]),
                context.lateWindowMsc(),
                context.sessionOffsetMsc(),
                context.lastPriceSymbols(),
                toWriter,
                context.dedupWindow(),
                metrics);
    }

    /**
     * @return the candle writer agent, draining {@code toWriter} into the store (not started); it writes nothing more
     *     once {@code stopped} says the engine failed stop.
     */
    public static CandleWriter writer(
            final EngineContext context,
            final CandleStore store,
            final OneToOneRingBuffer toWriter,
            final NameTable symbols,
            final NameTable sources,
            final String journalId,
            final EngineMetrics metrics,
            final java.util.function.BooleanSupplier stopped) {
        return new CandleWriter(
                store,
                toWriter,
                symbols,
                sources,
                journalId,
                context.writerBatchSize(),
                TimeUnit.MILLISECONDS.toNanos(context.writerFlushIntervalMs()),
                context.writerBusyDuty(),
                TimeUnit.MILLISECONDS.toNanos(context.writerBackoffMinMs()),
                TimeUnit.MILLISECONDS.toNanos(context.writerBackoffMaxMs()),
                metrics,
                stopped);
    }

    /**
     * @return the candle writer's runner: parked, never spinning, when idle (on 2 cores the event loop and the ring
     *     come first), backing off from 200 µs to 25 ms so that an idle engine costs next to no CPU; every
     *     unexpected error to {@code errorHandler}.
     */
    public static AgentRunner writerRunner(final CandleWriter writer, final ErrorHandler errorHandler) {
        return new AgentRunner(
                new BackoffIdleStrategy(0, 0, WRITER_IDLE_MIN_NS, WRITER_IDLE_MAX_NS), errorHandler, null, writer);
    }

    /** @return the tick store writer agent, tailing {@code journal} into {@code tickStore}. */
    public static TickStoreWriter tickStoreWriter(
            final EngineContext context,
            final TickStore tickStore,
            final TickJournal journal,
            final EngineMetrics metrics) {
        return new TickStoreWriter(
                tickStore,
                journal,
                metrics,
                context.namesCapacity(),
                TICK_STORE_BATCH,
                TimeUnit.DAYS.toMillis(context.ticksRetentionDays()),
                context.ticksStoreBusyDuty(),
                TimeUnit.MILLISECONDS.toNanos(context.writerFlushIntervalMs()),
                TimeUnit.MILLISECONDS.toNanos(context.writerBackoffMinMs()),
                TimeUnit.MILLISECONDS.toNanos(context.writerBackoffMaxMs()));
    }

    /** @return the bar rebuilder agent, taking requests the tick store writer has passed. */
    public static BarRebuilder rebuilder(
            final EngineContext context,
            final CandleStore store,
            final TickStore tickStore,
            final TickStoreWriter tickStoreWriter,
            final EngineMetrics metrics) {
        return new BarRebuilder(
                store,
                tickStore,
                tickStoreWriter::committedIndex,
                context.lastPriceSymbols(),
                context.sessionOffsetMsc(),
                metrics,
                TimeUnit.MILLISECONDS.toNanos(REBUILD_POLL_MS));
    }
}
