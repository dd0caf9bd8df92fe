package io.tickengine.core.store;

import static io.tickengine.core.candle.CandleMessageDescriptor.*;

import io.tickengine.core.candle.CandleDescriptor;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.tick.NameTable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The candle writer, an Agrona {@link Agent}: drains the aggregator's messages into a {@link StoreBatch} (newest
 * version per bar) and commits it to the store when it holds {@code batchSize} bars or its oldest bar is
 * {@code flushInterval} old.
 *
 * <p>A batch holds at most {@code batchSize} bars, while the writer rests between writes ({@code busyDuty}) and while
 * the store is down too: a bar not held yet waits in the aggregator's ring, which pushes back on the aggregator when
 * it fills. A batch ends at a checkpoint message, so the resume points committed with it cover every bar committed
 * with it; only a full batch ends between two, and the bars it holds past its checkpoint are safe to commit early: a
 * restart replays every bar open at that checkpoint from its first tick and writes it again. When the store is down ({@link StoreException}), the batch is kept and retried with exponential backoff
 * and jitter, while the writer keeps draining (and coalescing) so the aggregator and the journal go on; no bar is
 * dropped. Bars the database refuses for their data are set aside by the store ({@link RejectedBars}). Anything
 * else is unexpected and fail-stop: the writer does no more work (its batch may be half-built), the runner's error
 * handler stops ingest, and a restart replays the journal from the last committed checkpoint.
 */
public final class CandleWriter implements Agent, ControlledMessageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CandleWriter.class);

    private final CandleStore store;
    private final RingBuffer fromAggregator;
    private final StoreBatch batch;
    private final String journalId;
    private final int batchSize;
    private final long flushIntervalNs;
    /** Rest after a write per unit of the write's time: {@code (1 - busyDuty) / busyDuty}. */
    private final double restPerWork;

    private final long minBackoffNs;
    private final long maxBackoffNs;
    private final EngineMetrics metrics;
    /** True once a stage of the engine failed stop: nothing more is written, a restart replays from the checkpoint. */
    private final BooleanSupplier stopped;

    /** Committed replay-from index per symbol id. */
    private long[] replayFrom = new long[0];

    /** Set by {@link #drain}: flush whatever is at a checkpoint, whatever its age. */
    private boolean draining;
    /** Set on an unexpected error: the writer's state is not to be trusted any more. */
    private boolean failed;

    private volatile long committedJournalIndex = -1;
    private volatile String storeDownReason;
    private boolean atCheckpoint;
    private long firstPendingNs;
    /** Publish time of the batch's oldest live tick, from its first checkpoint; NONE for replayed ticks. */
    private long oldestTickPublishNs = NONE;

    private long nextAttemptNs;
    private long backoffNs;
    private boolean storeDown;
    private long downSinceNs;
    private long failedAttempts;

    public CandleWriter(
            final CandleStore store,
            final RingBuffer fromAggregator,
            final NameTable symbols,
            final NameTable sources,
            final String journalId,
            final int batchSize,
            final long flushIntervalNs,
            final double busyDuty,
            final long minBackoffNs,
            final long maxBackoffNs,
            final EngineMetrics metrics,
            final BooleanSupplier stopped) {
        this.store = store;
        this.fromAggregator = fromAggregator;
        this.batch = new StoreBatch(symbols, sources);
        this.journalId = journalId;
        this.batchSize = batchSize;
        this.flushIntervalNs = flushIntervalNs;
        this.restPerWork = (1 - busyDuty) / busyDuty;
        this.minBackoffNs = minBackoffNs;
        this.maxBackoffNs = maxBackoffNs;
        this.backoffNs = minBackoffNs;
        this.metrics = metrics;
        this.stopped = stopped;
        metrics.storeUp.setRelease(1);
    }

    /**
     * Records the committed replay-from point of a symbol (restored state before the writer runs, then each commit),
     * so that {@link EngineMetrics#replayFromIndex} tells where a restart now would replay from.
     */
    public void restoreReplayFrom(final int symbolId, final long replayFromIndex) {
        putReplayFrom(symbolId, replayFromIndex);
        publishReplayFrom();
    }

    private void putReplayFrom(final int symbolId, final long replayFromIndex) {
        if (symbolId >= replayFrom.length) {
            final int old = replayFrom.length;
            replayFrom = java.util.Arrays.copyOf(replayFrom, Math.max(symbolId + 1, old * 2));
            java.util.Arrays.fill(replayFrom, old, replayFrom.length, Long.MAX_VALUE);
        }
        replayFrom[symbolId] = replayFromIndex;
    }

    private void publishReplayFrom() {
        long min = Long.MAX_VALUE;
        for (final long index : replayFrom) {
            min = Math.min(min, index);
        }
        metrics.replayFromIndex.setRelease(min == Long.MAX_VALUE ? -1 : min);
    }

    @Override
    public String roleName() {
        return "tick-writer";
    }

    /** @return the last journal index whose candles are committed, -1 before the first commit. Any thread. */
    public long committedJournalIndex() {
        return committedJournalIndex;
    }

    /**
     * @return why the last store write failed, in plain words ({@link StoreException#reason()}), or {@code null} while
     *     the store is up. Any thread.
     */
    public String storeDownReason() {
        return storeDownReason;
    }

    @Override
    public int doWork() {
        if (failed || stopped.getAsBoolean()) {
            return 0;
        }
        try {
            final int read = fromAggregator.controlledRead(this, 4096);
            final long nowNs = System.nanoTime();
            int work = read;
            if ((atCheckpoint || isFull()) && isFlushDue(nowNs) && nowNs - nextAttemptNs >= 0) {
                work += flush(nowNs);
            }
            return work;
        } catch (final RuntimeException | Error e) {
            failed = true;
            throw e;
        }
    }

    @Override
    public Action onMessage(
            final int msgTypeId, final org.agrona.MutableDirectBuffer buffer, final int index, final int length) {
        return onMessage(msgTypeId, (DirectBuffer) buffer, index, length);
    }

    private Action onMessage(final int msgTypeId, final DirectBuffer buffer, final int index, final int length) {
        if (msgTypeId == MSG_CANDLE && isFull() && !batch.holdsCandle(buffer, index)) {
            // Left in the ring for the next batch; a newer version of a bar already held still replaces it.
            return Action.ABORT;
        }
        if (batch.isEmpty()) {
            firstPendingNs = System.nanoTime();
        }
        atCheckpoint = false;
        switch (msgTypeId) {
            case MSG_CANDLE:
                batch.putCandle(buffer, index);
                metrics.writerBacklog.setRelease(batch.candleCount());
                return Action.CONTINUE;
            case MSG_SYMBOL_STATE:
                batch.putSymbolState(
                        buffer.getInt(index + STATE_SYMBOL_ID_OFFSET),
                        buffer.getLong(index + STATE_REPLAY_FROM_OFFSET),
                        buffer.getLong(index + STATE_REPLAY_WATERMARK_OFFSET),
                        buffer.getLong(index + STATE_WATERMARK_OFFSET));
                return Action.CONTINUE;
            case MSG_SOURCE_SEQ:
                batch.putSourceSeq(
                        buffer.getInt(index + SOURCE_ID_OFFSET),
                        buffer.getLong(index + SOURCE_SEQ_OFFSET),
                        buffer,
                        index + SOURCE_WINDOW_OFFSET,
                        length - SOURCE_WINDOW_OFFSET);
                return Action.CONTINUE;
            case MSG_REBUILD:
                batch.putRebuild(
                        buffer.getInt(index + REBUILD_SYMBOL_ID_OFFSET),
                        buffer.getInt(index + REBUILD_TIMEFRAME_OFFSET),
                        buffer.getLong(index + REBUILD_FROM_OFFSET),
                        buffer.getLong(index + REBUILD_TO_OFFSET),
                        buffer.getLong(index + REBUILD_INDEX_OFFSET));
                return Action.CONTINUE;
            case MSG_CHECKPOINT:
                batch.putCheckpoint(journalId, buffer.getLong(index + CHECKPOINT_INDEX_OFFSET));
                if (oldestTickPublishNs == NONE) {
                    oldestTickPublishNs = buffer.getLong(index + CHECKPOINT_PUBLISH_NS_OFFSET);
                }
                atCheckpoint = true;
                // End the batch here when it is due, so it never holds messages from after its checkpoint.
                final long nowNs = System.nanoTime();
                return isFlushDue(nowNs) && nowNs - nextAttemptNs >= 0 ? Action.BREAK : Action.CONTINUE;
            default:
                throw new IllegalStateException("unknown writer message [type=" + msgTypeId + "]");
        }
    }

    private boolean isFull() {
        return batch.candleCount() >= batchSize;
    }

    private boolean isFlushDue(final long nowNs) {
        return !batch.isEmpty()
                && (batch.candleCount() >= batchSize || nowNs - firstPendingNs >= flushIntervalNs || draining);
    }

    private int flush(final long nowNs) {
        final int bars = batch.candleCount();
        final int setAside;
        try {
            setAside = store.write(batch);
        } catch (final StoreException e) {
            // Every failed attempt, not only the first: the reason changes, e.g. from a broken connection to refused.
            // Before storeUp: whoever reads the store down reads its reason.
            storeDownReason = e.reason();
            metrics.storeErrors.incrementRelease();
            metrics.storeUp.setRelease(0);
            failedAttempts++;
            // Logged on the change of state only; the attempts are counted (storeErrors) and reported when it is up.
            if (!storeDown) {
                storeDown = true;
                downSinceNs = nowNs;
                LOG.warn(
                        "store down, keeping candles and retrying [store={}, pendingBars={}, reason={}]",
                        store.describe(),
                        bars,
                        storeDownReason);
            }
            final long jitter = ThreadLocalRandom.current().nextLong(backoffNs / 2 + 1);
            nextAttemptNs = nowNs + backoffNs / 2 + jitter;
            backoffNs = Math.min(maxBackoffNs, backoffNs * 2);
            return 0;
        }
        final long doneNs = System.nanoTime();
        // A batch is due every flush interval: a slow write or a long outage hid the batches it delayed.
        EngineMetrics.record(
                metrics.storeWriteLatency, doneNs - nowNs, EngineMetrics.MAX_LONG_LATENCY_NS, flushIntervalNs);
        EngineMetrics.record(metrics.storeBatchSize, bars, EngineMetrics.MAX_BATCH_BARS);
        final long sinceNs = oldestTickPublishNs != NONE ? oldestTickPublishNs : firstPendingNs;
        EngineMetrics.record(metrics.freshness, doneNs - sinceNs, EngineMetrics.MAX_LONG_LATENCY_NS, flushIntervalNs);
        oldestTickPublishNs = NONE;
        metrics.candlesWritten.getAndAddRelease(bars - setAside);
        if (setAside > 0) {
            metrics.barsSetAside.getAndAddRelease(setAside);
        }
        metrics.storeBatches.incrementRelease();
        if (batch.hasCheckpoint()) {
            committedJournalIndex = batch.journalIndex();
            metrics.committedJournalIndex.setRelease(batch.journalIndex());
        }
        if (batch.symbolStateCount() > 0) {
            // One minimum per commit, not per symbol: a checkpoint can carry thousands of symbols.
            for (int i = 0, n = batch.symbolStateCount(); i < n; i++) {
                putReplayFrom(batch.symbolStateId(i), batch.symbolReplayFrom(i));
            }
            publishReplayFrom();
        }
        batch.clear();
        metrics.writerBacklog.setRelease(0);
        backoffNs = minBackoffNs;
        // Rest in proportion to the write: the bars changing meanwhile coalesce into the next batch. The tick store's
        // transaction waited for is not work done: counted, a wait of 0.8 s meant 2.4 s more without a write.
        final long busyNs = Math.max(0, doneNs - nowNs - store.lastWriteWaitNs());
        nextAttemptNs = draining ? doneNs : doneNs + (long) (busyNs * restPerWork);
        if (storeDown) {
            storeDown = false;
            storeDownReason = null;
            metrics.storeUp.setRelease(1);
            LOG.info(
                    "store up again, caught up [store={}, bars={}, downMs={}, failedAttempts={}]",
                    store.describe(),
                    bars,
                    TimeUnit.NANOSECONDS.toMillis(doneNs - downSinceNs),
                    failedAttempts);
            failedAttempts = 0;
        }
        return 1;
    }

    /**
     * Commits everything handed to the writer, on the caller's thread, retrying the store until the timeout. Call
     * after the aggregator has stopped and the writer's runner is closed (shutdown).
     *
     * @return true if everything was committed; false after a fail-stop or the timeout (the journal replay rebuilds
     *     the rest at the next start).
     */
    public boolean drain(final long timeout, final TimeUnit unit) {
        final long deadlineNs = System.nanoTime() + unit.toNanos(timeout);
        draining = true;
        if (!storeDown) {
            // The rest after the last write is cut short (a failed store's backoff holds): the engine is stopping.
            nextAttemptNs = System.nanoTime();
        }
        while (!failed
                && !stopped.getAsBoolean()
                && !(fromAggregator.size() == 0 && batch.isEmpty())
                && deadlineNs - System.nanoTime() > 0) {
            if (doWork() == 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000L);
            }
        }
        final boolean drained = !failed && !stopped.getAsBoolean() && fromAggregator.size() == 0 && batch.isEmpty();
        if (!drained) {
            LOG.error(
                    "writer closed before the store took everything; the journal replay will rebuild it at the next"
                            + " start [pendingBars={}, failed={}]",
                    batch.candleCount(),
                    failed);
        }
        return drained;
    }

    /** Record length of a bar message, for sizing the ring. */
    public static int candleMessageLength() {
        return CandleDescriptor.STORE_LENGTH;
    }
}
