package io.tickengine.core.store;

import static io.tickengine.core.candle.CandleMessageDescriptor.*;

import io.tickengine.core.candle.CandleDescriptor;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.tick.NameTable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer thread: drains the aggregator's messages into a {@link StoreBatch} (newest version per bar) and
 * commits it to the store when it holds {@code batchSize} bars or its oldest bar is {@code flushInterval} old.
 *
 * <p>A batch always ends at a checkpoint message, so the resume points committed with it cover every bar committed
 * with it. When the store fails, the batch is kept and retried with exponential backoff and jitter, while the
 * writer keeps draining (and coalescing) so the aggregator and the journal go on; no bar is dropped.
 */
public final class CandleWriter implements Runnable, ControlledMessageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CandleWriter.class);

    /** Called by the writer thread when it is idle, e.g. to publish a heartbeat for the aggregator. */
    public interface IdleAction {
        void onIdle();
    }

    private final CandleStore store;
    private final RingBuffer fromAggregator;
    private final StoreBatch batch;
    private final String journalId;
    private final int batchSize;
    private final long flushIntervalNs;
    private final long minBackoffNs;
    private final long maxBackoffNs;
    private final EngineMetrics metrics;
    private final IdleAction idleAction;
    private final Thread thread;

    /** Committed replay-from index per symbol id. */
    private long[] replayFrom = new long[0];

    private volatile boolean running = true;
    private volatile long closeDeadlineNs;
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
            final long minBackoffNs,
            final long maxBackoffNs,
            final EngineMetrics metrics,
            final IdleAction idleAction) {
        this.store = store;
        this.fromAggregator = fromAggregator;
        this.batch = new StoreBatch(symbols, sources);
        this.journalId = journalId;
        this.batchSize = batchSize;
        this.flushIntervalNs = flushIntervalNs;
        this.minBackoffNs = minBackoffNs;
        this.maxBackoffNs = maxBackoffNs;
        this.backoffNs = minBackoffNs;
        this.metrics = metrics;
        this.idleAction = idleAction;
        this.thread = new Thread(this, "tick-writer");
        this.thread.setDaemon(true);
        metrics.storeUp.setRelease(1);
    }

    /**
     * Records the committed replay-from point of a symbol (restored state before {@link #start}, then each commit),
     * so that {@link EngineMetrics#replayFromIndex} tells where a restart now would replay from.
     */
    public void restoreReplayFrom(final int symbolId, final long replayFromIndex) {
        if (symbolId >= replayFrom.length) {
            final int old = replayFrom.length;
            replayFrom = java.util.Arrays.copyOf(replayFrom, Math.max(symbolId + 1, old * 2));
            java.util.Arrays.fill(replayFrom, old, replayFrom.length, Long.MAX_VALUE);
        }
        replayFrom[symbolId] = replayFromIndex;
        long min = Long.MAX_VALUE;
        for (final long index : replayFrom) {
            min = Math.min(min, index);
        }
        metrics.replayFromIndex.setRelease(min == Long.MAX_VALUE ? -1 : min);
    }

    /** Starts the writer thread. */
    public void start() {
        thread.start();
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
    public void run() {
        while (true) {
            final int read = fromAggregator.controlledRead(this, 4096);
            final long nowNs = System.nanoTime();
            if (atCheckpoint && isFlushDue(nowNs) && nowNs - nextAttemptNs >= 0) {
                flush(nowNs);
            }
            if (!running) {
                final boolean drained = fromAggregator.size() == 0 && batch.isEmpty();
                if (drained || closeDeadlineNs - nowNs < 0) {
                    if (!drained) {
                        LOG.error(
                                "writer closed before the store took everything; the journal replay will "
                                        + "rebuild it at the next start [pendingBars={}]",
                                batch.candleCount());
                    }
                    return;
                }
            }
            if (read == 0) {
                idleAction.onIdle();
                idle();
            }
        }
    }

    @Override
    public Action onMessage(
            final int msgTypeId, final org.agrona.MutableDirectBuffer buffer, final int index, final int length) {
        return onMessage(msgTypeId, (DirectBuffer) buffer, index, length);
    }

    private Action onMessage(final int msgTypeId, final DirectBuffer buffer, final int index, final int length) {
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

    private boolean isFlushDue(final long nowNs) {
        return !batch.isEmpty()
                && (batch.candleCount() >= batchSize || nowNs - firstPendingNs >= flushIntervalNs || !running);
    }

    private void flush(final long nowNs) {
        final int bars = batch.candleCount();
        final int setAside;
        try {
            setAside = store.write(batch);
        } catch (final StoreException | RuntimeException e) {
            // Every failed attempt, not only the first: the reason changes, e.g. from a broken connection to refused.
            // Before storeUp: whoever reads the store down reads its reason.
            storeDownReason = e instanceof StoreException se ? se.reason() : e.toString();
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
            return;
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
            for (int i = 0, n = batch.symbolStateCount(); i < n; i++) {
                restoreReplayFrom(batch.symbolStateId(i), batch.symbolReplayFrom(i));
            }
        }
        batch.clear();
        metrics.writerBacklog.setRelease(0);
        backoffNs = minBackoffNs;
        nextAttemptNs = doneNs;
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
    }

    private void idle() {
        // Parked, not spinning: on 2 cores the writer must not compete with the event loop and the ring.
        java.util.concurrent.locks.LockSupport.parkNanos(200_000L);
    }

    /**
     * Lets the writer drain everything handed to it and commit it, retrying the store until the timeout, then
     * stops the thread. Call after the aggregator has stopped.
     *
     * @return true if everything was committed.
     */
    public boolean close(final long timeout, final TimeUnit unit) {
        closeDeadlineNs = System.nanoTime() + unit.toNanos(timeout);
        running = false;
        try {
            thread.join(unit.toMillis(timeout) + 1000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return fromAggregator.size() == 0 && batch.isEmpty();
    }

    /** Record length of a bar message, for sizing the ring. */
    public static int candleMessageLength() {
        return CandleDescriptor.STORE_LENGTH;
    }
}
