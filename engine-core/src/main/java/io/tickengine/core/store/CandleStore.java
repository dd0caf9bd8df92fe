package io.tickengine.core.store;

import io.tickengine.core.candle.Timeframe;
import java.util.List;

/**
 * Where bars end up: PostgreSQL/TimescaleDB or the embedded SQLite file.
 *
 * <p>{@link #write} is called by the candle writer and the bar rebuilder (a store serialises them); {@link #candles}
 * may be called from any thread.
 */
public interface CandleStore extends AutoCloseable {
    /** Creates what is missing of the schema; idempotent. */
    void initSchema() throws StoreException;

    /** @return the checkpoint and resume points the last run committed. */
    RecoveryState loadRecoveryState() throws StoreException;

    /**
     * Writes one batch in one transaction: every bar replaces the stored one whole (never adds to it), and the
     * checkpoint, resume points and rebuild requests commit with them (completed requests are deleted). On failure
     * nothing of the batch is committed. Bars the database refuses for their data are set aside in the same
     * transaction ({@link RejectedBars}) instead of failing the batch.
     *
     * @return the number of bars set aside, 0 almost always.
     */
    int write(StoreBatch batch) throws StoreException;

    /**
     * @return how long the last {@link #write} waited for another writer of the same database before it began (the
     *     other SQLite writer's transaction: {@link io.tickengine.core.store.sqlite.SqliteWriteLock}); 0 where writers
     *     do not wait for each other. Waiting is not work: a writer does not rest for it.
     */
    default long lastWriteWaitNs() {
        return 0;
    }

    /**
     * @param fromMsc first bar open time, inclusive.
     * @param toMsc last bar open time, inclusive.
     * @return bars in open-time order, at most {@code limit}.
     */
    List<CandleRow> candles(String symbol, Timeframe timeframe, long fromMsc, long toMsc, int limit)
            throws StoreException;

    /**
     * @return stored requests to rebuild bars whose journal index is at most {@code throughJournalIndex} (the tick
     *     store has all their ticks), oldest first, at most {@code limit}.
     */
    List<RebuildRequest> rebuildRequests(long throughJournalIndex, int limit) throws StoreException;

    /** @return the number of stored rebuild requests not done yet. */
    long pendingRebuilds() throws StoreException;

    /** @return a description for logs and health, without credentials. */
    String describe();

    @Override
    void close();
}
