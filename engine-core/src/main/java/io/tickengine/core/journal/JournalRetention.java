package io.tickengine.core.journal;

import io.tickengine.core.EngineContext;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.RecoveryState;
import io.tickengine.core.store.StoreException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes journal files past {@code journal.retention.days} that nothing still needs: never below the oldest index a
 * restart would replay from (the candle checkpoint and each symbol's oldest open bar), nor below what the tick store
 * has not committed. Called now and then from one thread.
 */
public final class JournalRetention {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRetention.class);

    private final TickJournal journal;
    private final CandleStore store;
    private final LongSupplier tickStoreIndex;
    private final long retentionMsc;

    /** @param tickStoreIndex the last journal index whose ticks are in the tick store, -1 if none. */
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

    /** Purges what it may; a store that cannot be read skips this round (logged). */
    public void purge() {
        try {
            final RecoveryState state = store.loadRecoveryState();
            long keep = state.journalIndex() + 1;
            for (final RecoveryState.SymbolState s : state.symbols().values()) {
                keep = Math.min(keep, s.replayFromIndex());
            }
            // The journal keeps what the tick store has not committed, whatever the retention says.
            keep = Math.min(keep, tickStoreIndex.getAsLong() + 1);
            if (state.journalIndex() >= 0) {
                journal.purge(keep, System.currentTimeMillis() - retentionMsc);
            }
        } catch (final StoreException | RuntimeException e) {
            LOG.warn("journal purge skipped [cause={}]", e.toString());
        }
    }
}
