package io.tickengine.core.journal;

import io.tickengine.core.EngineContext;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.RecoveryState;
import io.tickengine.core.store.StoreException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes journal files past {@code journal.retention.days} that nothing still needs: never below the oldest index a
 * restart would replay from (the candle checkpoint and each symbol's oldest open bar), nor below what the tick store
 * has not committed. An Agrona {@link Agent}: a duty cycle purges once an hour; a store that cannot be read skips the
 * round, anything unexpected goes to the runner's error handler and the next round tries again (a purge holds no
 * state between rounds).
 */
public final class JournalRetention implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRetention.class);
    private static final long PURGE_INTERVAL_NS = TimeUnit.HOURS.toNanos(1);

    private final TickJournal journal;
    private final CandleStore store;
    private final LongSupplier tickStoreIndex;
    private final long retentionMsc;
    private long nextPurgeNs = System.nanoTime() + PURGE_INTERVAL_NS;

    /**
     * @param tickStoreIndex the last journal index that every reader behind the journal has taken (the tick store;
     *     the mirror too when there is one), -1 if none.
     */
    public JournalRetention(
            final TickJournal journal,
            final CandleStore store,
            final LongSupplier tickStoreIndex,
            final EngineContext context) {
        this.journal = journal;
        this.store = store;
        this.tickStoreIndex = tickStoreIndex;
        this.retentionMsc = TimeUnit.DAYS.toMillis(context.journalRetentionDays());
    }

    @Override
    public String roleName() {
        return "journal-retention";
    }

    @Override
    public int doWork() {
        final long nowNs = System.nanoTime();
        if (nowNs - nextPurgeNs < 0) {
            return 0;
        }
        nextPurgeNs = nowNs + PURGE_INTERVAL_NS;
        purge();
        return 1;
    }

    /** Purges what it may; a store that cannot be read skips this round (logged). */
    public void purge() {
        try {
            final RecoveryState state = store.loadRecoveryState();
            long keep = state.journalIndex() + 1;
            for (final RecoveryState.SymbolState s : state.symbols().values()) {
                keep = Math.min(keep, s.replayFromIndex());
            }
            // The journal keeps what the tick store has not committed (nor the mirror shipped), whatever the retention
            // says.
            keep = Math.min(keep, tickStoreIndex.getAsLong() + 1);
            if (state.journalIndex() >= 0) {
                journal.purge(keep, System.currentTimeMillis() - retentionMsc);
            }
        } catch (final StoreException e) {
            LOG.warn("journal purge skipped [cause={}]", e.toString());
        }
    }
}
