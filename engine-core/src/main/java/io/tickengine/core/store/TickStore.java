package io.tickengine.core.store;

import java.util.List;

/**
 * The {@code ticks} table: every journaled tick, stored once. PostgreSQL/TimescaleDB or the embedded SQLite file.
 *
 * <p>{@link #write} and {@link #deleteOlderThan} are called by the tick store writer thread only; the readers may be
 * called from any thread.
 */
public interface TickStore extends AutoCloseable {
    /** Receives stored ticks one by one, without a row object per tick. */
    @FunctionalInterface
    interface TickHandler {
        void onTick(long timeMsc, double bid, double ask, double last, double volumeReal, long seq, long ord);
    }

    /** Where the tick store stands in the journal. */
    record Position(String journalId, long journalIndex) {
        /** The position of an empty store. */
        public static final Position NONE = new Position(null, -1);
    }

    /** @return the journal position up to which ticks are stored. */
    Position position() throws StoreException;

    /**
     * Writes one batch in one transaction: its rows, then its replace records (deleting the voided rows), and the
     * journal position it completes. On failure nothing of it is committed.
     *
     * @return the number of rows the replace records deleted.
     */
    long write(TickBatch batch) throws StoreException;

    /**
     * @return how long the last {@link #write} waited for another writer of the same database before it began (the
     *     other SQLite writer's transaction: {@link io.tickengine.core.store.sqlite.SqliteWriteLock}); 0 where writers
     *     do not wait for each other. Waiting is not work: a writer does not rest for it.
     */
    default long lastWriteWaitNs() {
        return 0;
    }

    /**
     * @param fromMsc first tick time, inclusive.
     * @param toMsc last tick time, inclusive.
     * @return ticks in time and arrival order, at most {@code limit}.
     */
    List<TickRow> ticks(String symbol, long fromMsc, long toMsc, int limit) throws StoreException;

    /**
     * Streams a symbol's ticks of {@code [fromMsc, toMsc)} in time and arrival order (bar rebuilds).
     *
     * @return the number of ticks read.
     */
    long forEachTick(String symbol, long fromMsc, long toMsc, TickHandler handler) throws StoreException;

    /**
     * Deletes ticks older than {@code timeMsc} ({@code ticks.retention.days}): on TimescaleDB the chunks wholly before
     * it are dropped, the rest deleted row by row; elsewhere every row.
     *
     * @return what went.
     */
    Purged deleteOlderThan(long timeMsc) throws StoreException;

    /**
     * What a {@link #deleteOlderThan} removed.
     *
     * @param rows rows deleted one by one (the rows of dropped chunks are not counted: nothing counts them)
     * @param chunks TimescaleDB chunks dropped whole (0 elsewhere)
     */
    record Purged(long rows, long chunks) {
        /** @return true if anything went. */
        public boolean any() {
            return rows > 0 || chunks > 0;
        }
    }

    @Override
    void close();
}
