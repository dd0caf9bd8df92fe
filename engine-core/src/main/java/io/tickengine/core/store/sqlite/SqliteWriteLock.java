package io.tickengine.core.store.sqlite;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The write turn of one SQLite file, which the engine's writers (candle store, tick store) take around each write
 * transaction. SQLite has one write lock per file, and a writer that finds it taken polls with growing sleeps (its
 * busy handler) and fails after the busy timeout, throwing away a transaction of thousands of rows; queueing here
 * instead hands the file over the moment the other writer commits. Fair, so the writers take turns.
 *
 * <p>{@link #lock} says how long the turn was waited for: a writer that rests in proportion to its work
 * ({@code writer.busy.duty}, {@code ticks.store.busy.duty}) must not count the other writer's transaction as its own
 * work.
 */
public final class SqliteWriteLock {
    private final ReentrantLock lock = new ReentrantLock(true);

    /** @return the time waited for the other writer, in ns. */
    public long lock() {
        final long startNs = System.nanoTime();
        lock.lock();
        return System.nanoTime() - startNs;
    }

    public void unlock() {
        lock.unlock();
    }
}
