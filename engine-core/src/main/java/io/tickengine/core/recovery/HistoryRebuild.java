package io.tickengine.core.recovery;

import io.tickengine.core.EngineContext;
import io.tickengine.core.EngineParts;
import io.tickengine.core.candle.CandleAggregator;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.CandleWriter;
import io.tickengine.core.store.Database;
import io.tickengine.core.store.StoreException;
import io.tickengine.core.store.Stores;
import io.tickengine.core.store.TickStore;
import io.tickengine.core.store.TickStoreWriter;
import io.tickengine.core.tick.NameTable;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

/**
 * Rebuilds candles from the whole journal ({@code tick-engine replay}), ignoring the store's checkpoint, and writes
 * them (replacing what the store holds) with the resume points a normal start needs. First the tick store catches up
 * with the journal; bars whose ticks came too late for them while live are rebuilt from the stored ticks at the end,
 * as a running engine does. Only bars whose open time is within {@code [fromMsc, toMsc]} are written; bars that open
 * before the end of the newest purged journal file are never written from the journal, since that file may have held
 * part of them ({@link TickJournal#purgedThroughMsc()}). Run it with no engine running on the same data.
 */
public final class HistoryRebuild {
    /** What a rebuild did. */
    public record Result(long ticksReplayed, long barsWritten, boolean complete) {}

    private HistoryRebuild() {}

    /** @param progress told the number of records replayed so far, now and then. */
    public static Result run(
            final EngineContext context, final long fromMsc, final long toMsc, final LongConsumer progress)
            throws StoreException {
        if (!context.isConcluded()) {
            context.conclude();
        }
        final EngineMetrics metrics = new EngineMetrics();
        final NameTable symbols = new NameTable(context.namesCapacity());
        final NameTable sources = new NameTable(context.namesCapacity());
        final Database database = Stores.openDatabase(context);
        final long timeoutMs = context.shutdownTimeoutMs();
        try (CandleStore store = Stores.openStore(context, database);
                TickStore tickStore = Stores.openTickStore(database);
                TickJournal journal = TickJournal.openAsOwner(context.journalDir(), context.journalRollCycle())) {
            final TickStoreWriter tickStoreWriter = EngineParts.tickStoreWriter(context, tickStore, journal, metrics);
            if (!tickStoreWriter.catchUp(timeoutMs, TimeUnit.MILLISECONDS)) {
                throw new StoreException("the tick store did not catch up with the journal in time [timeoutMs="
                        + timeoutMs + ", committedIndex=" + tickStoreWriter.committedIndex() + "]");
            }
            final OneToOneRingBuffer toWriter = EngineParts.writerRing(context);
            final CandleAggregator aggregator = EngineParts.aggregator(context, symbols, toWriter, metrics);
            aggregator.emitOnly(Math.max(fromMsc, journal.purgedThroughMsc()), toMsc);
            // The store's windows hold seqs whose journal files may be gone: the replay adds to them.
            JournalReplay.restoreSources(store.loadRecoveryState(), sources, aggregator, null);
            final java.util.concurrent.atomic.AtomicReference<String> writerFailure =
                    new java.util.concurrent.atomic.AtomicReference<>();
            final CandleWriter writer = EngineParts.writer(
                    context,
                    store,
                    toWriter,
                    symbols,
                    sources,
                    journal.id(),
                    metrics,
                    () -> writerFailure.get() != null);
            final AgentRunner writerRunner = EngineParts.writerRunner(
                    writer, error -> writerFailure.compareAndSet(null, "candle writer failed (" + error + ")"));
            AgentRunner.startOnThread(writerRunner);
            final long count = JournalReplay.replay(
                    journal, Long.MIN_VALUE, aggregator, symbols, sources, null, 65_536, writerFailure::get, progress);
            writerRunner.close();
            if (writerFailure.get() != null) {
                throw new IllegalStateException("replay stopped: " + writerFailure.get());
            }
            final boolean complete = writer.drain(timeoutMs, TimeUnit.MILLISECONDS)
                    && EngineParts.rebuilder(context, store, tickStore, tickStoreWriter, metrics)
                            .drain(timeoutMs, TimeUnit.MILLISECONDS);
            return new Result(count, metrics.candlesWritten.get() + metrics.barsRebuilt.get(), complete);
        }
    }
}
