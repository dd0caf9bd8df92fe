package io.tickengine.core.store;

import io.tickengine.core.journal.JournalRecord;
import io.tickengine.core.journal.JournalRecordHandler;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.journal.TickRecordDescriptor;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.tick.NameTable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the journal from the tick store's own committed position and writes every tick to the {@code ticks} table
 * in batches, with the journal position each batch completes in the same transaction: exactly once, whatever
 * crashes. Runs behind the journal as an Agrona {@link Agent}: ingest never waits for it, and the journal keeps what
 * it has not committed (see {@link #committedIndex}).
 *
 * <p>A store that fails is retried with backoff and jitter, the batch kept. Anything unexpected is fail-stop: the
 * exception goes to the runner's error handler and the next duty cycle starts over from the committed position, so
 * nothing half-applied is carried on.
 */
public final class TickStoreWriter implements Agent, JournalRecordHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TickStoreWriter.class);
    private static final long RETENTION_INTERVAL_NS = TimeUnit.HOURS.toNanos(1);
    private static final long LAG_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long NOT_EMPTY = Long.MIN_VALUE;

    private final TickStore store;
    private final TickJournal journal;
    private final EngineMetrics metrics;
    private final TickBatch batch;
    private final int batchSize;
    private final long retentionMsc;
    /** Time to rest per unit of time spent writing while ticks are coming in: (1 - duty) / duty. */
    private final double idlePerBusy;

    private long lastSeenJournalIndex = Long.MIN_VALUE;
    /** The gate's last journal index when a poll found the tail empty; {@link #NOT_EMPTY} to poll regardless. */
    private long emptyAtJournalIndex = NOT_EMPTY;

    private long nextRetentionNs = System.nanoTime();
    private long nextLagNs = System.nanoTime();
    private final long flushIntervalNs;
    private final long minBackoffNs;
    private final long maxBackoffNs;

    private TickJournal.Cursor cursor;
    private boolean resync = true;
    private long firstPendingNs;
    private long nextAttemptNs;
    private long backoffNs;
    private boolean storeDown;
    /** In {@link #catchUp}: ingest has stopped, so no rest between writes. */
    private boolean catchingUp;

    private volatile long committedIndex = -1;

    /**
     * @param batchSize ticks per transaction, at most.
     * @param retentionMsc how long stored ticks are kept ({@code ticks.retention.days}); 0 keeps them all.
     * @param busyDuty the largest share of time the writer works while ticks are coming in ({@code
     *     ticks.store.busy.duty}, in (0, 1]); it catches up at full speed when they stop.
     * @param flushIntervalNs longest a read tick waits for its transaction while more keep coming.
     */
    public TickStoreWriter(
            final TickStore store,
            final TickJournal journal,
            final EngineMetrics metrics,
            final int namesCapacity,
            final int batchSize,
            final long retentionMsc,
            final double busyDuty,
            final long flushIntervalNs,
            final long minBackoffNs,
            final long maxBackoffNs) {
        this.store = store;
        this.journal = journal;
        this.metrics = metrics;
        this.batch = new TickBatch(new NameTable(namesCapacity), new NameTable(namesCapacity));
        this.batch.journalId(journal.id());
        this.batchSize = batchSize;
        this.retentionMsc = retentionMsc;
        this.idlePerBusy = (1 - busyDuty) / busyDuty;
        this.flushIntervalNs = flushIntervalNs;
        this.minBackoffNs = minBackoffNs;
        this.maxBackoffNs = maxBackoffNs;
        this.backoffNs = minBackoffNs;
    }

    @Override
    public String roleName() {
        return "tick-store-writer";
    }

    /**
     * @return the last journal index whose ticks are committed to the tick store, -1 before the first one. Any
     *     thread.
     */
    public long committedIndex() {
        return committedIndex;
    }

    @Override
    public int doWork() throws StoreException {
        try {
            if (resync && !resync()) {
                return 0;
            }
            final long nowNs = System.nanoTime();
            if (nowNs - nextLagNs >= 0) {
                // Also while resting: the gauge is how far behind the store is now, not when it last worked.
                nextLagNs = nowNs + LAG_INTERVAL_NS;
                metrics.tickStoreLag.setRelease(Math.max(0, journal.recordsAfter(committedIndex)));
            }
            if (nowNs - nextAttemptNs < 0) {
                return 0;
            }
            int read = 0;
            if (batch.size() < batchSize) {
                // An empty journal tail costs a Chronicle look-up per poll: look again only once the gate has
                // committed since (it publishes the index after the commit, so nothing committed is missed).
                final long journaled = metrics.lastJournalIndex.get();
                if (journaled != emptyAtJournalIndex) {
                    read = cursor.poll(this, batchSize - batch.size());
                    emptyAtJournalIndex = read == 0 ? journaled : NOT_EMPTY;
                }
            }
            final boolean pending =
                    batch.size() > 0 || batch.replaceCount() > 0 || batch.journalIndex() > committedIndex;
            if (pending && (read == 0 || batch.size() >= batchSize || nowNs - firstPendingNs >= flushIntervalNs)) {
                return flush(nowNs) + read;
            }
            if (read == 0 && retentionMsc > 0 && nowNs - nextRetentionNs >= 0) {
                nextRetentionNs = nowNs + RETENTION_INTERVAL_NS;
                applyRetention();
            }
            return read;
        } catch (final RuntimeException e) {
            // Fail-stop: forget what was read and start again from what the store has committed.
            resync = true;
            throw e;
        }
    }

    @Override
    public void onRecord(final JournalRecord record, final long index) {
        if (batch.size() == 0 && batch.replaceCount() == 0) {
            firstPendingNs = System.nanoTime();
        }
        if (record.kind == TickRecordDescriptor.KIND_TICK) {
            batch.addTick(record, index);
        } else if (record.kind == TickRecordDescriptor.KIND_REPLACE) {
            batch.addReplace(record, index);
        } else {
            batch.skip(index);
        }
    }

    private boolean resync() {
        final TickStore.Position position;
        try {
            position = store.position();
        } catch (final StoreException e) {
            onStoreFailed(System.nanoTime(), e);
            return false;
        }
        final long fromIndex;
        if (journal.id().equals(position.journalId())) {
            fromIndex = position.journalIndex() + 1;
            committedIndex = position.journalIndex();
        } else {
            if (position.journalId() != null) {
                LOG.warn(
                        "the tick store's position names another journal; storing this journal's ticks from its "
                                + "start [storeJournal={}, journal={}]",
                        position.journalId(),
                        journal.id());
            }
            fromIndex = Long.MIN_VALUE;
            committedIndex = -1;
        }
        metrics.tickStoreIndex.setRelease(committedIndex);
        if (cursor != null) {
            cursor.close();
        }
        cursor = journal.cursor(fromIndex);
        emptyAtJournalIndex = NOT_EMPTY;
        batch.reset();
        resync = false;
        LOG.info(
                "tick store writer following the journal [from={}]",
                fromIndex == Long.MIN_VALUE ? "start" : Long.toString(fromIndex));
        return true;
    }

    private int flush(final long nowNs) {
        final long replaced;
        try {
            replaced = store.write(batch);
        } catch (final StoreException e) {
            onStoreFailed(nowNs, e);
            return 0;
        }
        final long doneNs = System.nanoTime();
        final long journalIndex = metrics.lastJournalIndex.get();
        if (journalIndex != lastSeenJournalIndex && idlePerBusy > 0 && !catchingUp) {
            // Ticks are coming in: rest in proportion to the work just done, so that on a small machine ingest
            // keeps the cores; the journal holds what is not stored yet, and the lag is reported. The candle
            // writer's transaction waited for is not work done.
            final long busyNs = Math.max(0, doneNs - nowNs - store.lastWriteWaitNs());
            nextAttemptNs = doneNs + (long) (busyNs * idlePerBusy);
        }
        lastSeenJournalIndex = journalIndex;
        final int rows = batch.size();
        metrics.ticksStored.getAndAddRelease(rows);
        metrics.ticksReplaced.getAndAddRelease(replaced);
        committedIndex = batch.journalIndex();
        metrics.tickStoreIndex.setRelease(committedIndex);
        batch.clear();
        backoffNs = minBackoffNs;
        if (storeDown) {
            storeDown = false;
            metrics.tickStoreUp.setRelease(1);
            LOG.info("tick store up again [index={}]", committedIndex);
        }
        return Math.max(1, rows);
    }

    private void applyRetention() {
        final long olderThanMsc = System.currentTimeMillis() - retentionMsc;
        try {
            final TickStore.Purged purged = store.deleteOlderThan(olderThanMsc);
            if (purged.any()) {
                LOG.info(
                        "stored ticks past retention deleted [rows={}, chunks={}, olderThanMsc={}]",
                        purged.rows(),
                        purged.chunks(),
                        olderThanMsc);
            }
        } catch (final StoreException e) {
            LOG.warn("tick retention skipped [cause={}]", e.getMessage());
        }
    }

    private void onStoreFailed(final long nowNs, final StoreException e) {
        metrics.tickStoreErrors.incrementRelease();
        metrics.tickStoreUp.setRelease(0);
        if (!storeDown) {
            storeDown = true;
            LOG.warn("tick store down, ticks wait in the journal [cause={}]", e.getMessage());
        }
        nextAttemptNs = nowNs + backoffNs / 2 + ThreadLocalRandom.current().nextLong(backoffNs / 2 + 1);
        backoffNs = Math.min(maxBackoffNs, backoffNs * 2);
    }

    @Override
    public void onClose() {
        // A cursor belongs to the thread that made it: a later catchUp on another thread opens its own.
        if (cursor != null) {
            cursor.close();
            cursor = null;
        }
        resync = true;
    }

    /**
     * Stores what the journal holds now, on the caller's thread, before or instead of running as an agent (tools
     * that must see every tick stored, e.g. at shutdown). At full speed: no rest between writes (ingest has
     * stopped), and the rest the agent was in is cut short; a failed store's backoff still holds.
     *
     * @return true if the tick store caught up with the journal's last index before the timeout.
     */
    public boolean catchUp(final long timeout, final TimeUnit unit) throws StoreException {
        final long deadlineNs = System.nanoTime() + unit.toNanos(timeout);
        catchingUp = true;
        if (!storeDown) {
            nextAttemptNs = System.nanoTime();
        }
        try {
            while (committedIndex < journal.lastIndex() && deadlineNs - System.nanoTime() > 0) {
                // No gate may be appending here: every look polls the journal itself.
                emptyAtJournalIndex = NOT_EMPTY;
                if (doWork() == 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                }
            }
            return committedIndex >= journal.lastIndex();
        } finally {
            onClose();
        }
    }
}
