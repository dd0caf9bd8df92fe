package io.tickengine.core.recovery;

import io.tickengine.core.candle.CandleAggregator;
import io.tickengine.core.ingest.IngestGate;
import io.tickengine.core.journal.JournalRecord;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.journal.TickRecordDescriptor;
import io.tickengine.core.store.RecoveryState;
import io.tickengine.core.tick.NameTable;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Journal records applied to an aggregator: the one replay loop ({@link #replay}) that start-up recovery
 * ({@link StartupRecovery}), the history rebuild ({@link HistoryRebuild}) and the replay benchmark share. Runs on one
 * thread, before any ring does.
 */
public final class JournalReplay {
    private JournalReplay() {}

    /**
     * Replays the journal from {@code fromIndex} into the aggregator, handing its bars to the writer every
     * {@code handOverEvery} records and at the end.
     *
     * @param gate given each record's source seq (start-up), or {@code null} when no ring runs.
     * @param writerStopped why the writer stopped, or {@code null} while it runs: a stopped writer ends the replay.
     * @param progress told the number of records replayed at each hand-over.
     * @return the number of records replayed.
     */
    public static long replay(
            final TickJournal journal,
            final long fromIndex,
            final CandleAggregator aggregator,
            final NameTable symbols,
            final NameTable sources,
            final IngestGate gate,
            final int handOverEvery,
            final Supplier<String> writerStopped,
            final LongConsumer progress) {
        final long[] count = {0};
        journal.replay(fromIndex, (record, index) -> {
            final int sourceId = sourceId(sources, record);
            if (gate != null && sourceId >= 0 && record.seq > 0) {
                gate.restoreSequence(sourceId, record.seq);
            }
            apply(aggregator, symbols, record, sourceId, index);
            if (++count[0] % handOverEvery == 0) {
                handOverFully(aggregator, writerStopped);
                progress.accept(count[0]);
            }
        });
        handOverFully(aggregator, writerStopped);
        progress.accept(count[0]);
        return count[0];
    }

    /** @return the interned id of the record's source, -1 when it has none. */
    public static int sourceId(final NameTable sources, final JournalRecord record) {
        return record.sourceLength == 0 ? -1 : sources.intern(record.source, 0, record.sourceLength);
    }

    /**
     * Puts each source's seqs back as the store has them, before the journal replay adds the seqs journaled after
     * the checkpoint.
     *
     * @param gate {@code null} when no ring runs (history rebuild).
     */
    public static void restoreSources(
            final RecoveryState state,
            final NameTable sources,
            final CandleAggregator aggregator,
            final IngestGate gate) {
        for (final Map.Entry<String, RecoveryState.SourceState> source :
                state.sources().entrySet()) {
            final int id = sources.intern(source.getKey());
            final RecoveryState.SourceState s = source.getValue();
            final UnsafeBuffer window = s.window() == null ? null : new UnsafeBuffer(s.window());
            final int length = s.window() == null ? 0 : s.window().length;
            if (gate != null) {
                gate.restoreSource(id, s.lastSeq(), window, length);
            }
            aggregator.restoreSource(id, s.lastSeq(), window, length);
        }
    }

    /** Applies one record read back from the journal: a tick, a whole bar or a replace record. */
    public static void apply(
            final CandleAggregator aggregator,
            final NameTable symbols,
            final JournalRecord record,
            final int sourceId,
            final long index) {
        final int symbolId = symbols.intern(record.symbol, 0, record.symbolLength);
        if (record.kind == TickRecordDescriptor.KIND_REPLACE) {
            aggregator.onReplace(symbolId, record.timeMsc, record.replaceToMsc, index);
        } else if (record.kind == TickRecordDescriptor.KIND_BAR) {
            aggregator.onBar(
                    symbolId,
                    record.barTimeframe,
                    record.timeMsc,
                    record.barOpen,
                    record.barHigh,
                    record.barLow,
                    record.barClose,
                    record.barTickVolume,
                    record.barRealVolume,
                    record.barSpread,
                    index);
        } else {
            aggregator.onReplayedTick(
                    symbolId,
                    record.timeMsc,
                    record.bid,
                    record.ask,
                    record.last,
                    record.volumeReal,
                    sourceId,
                    record.seq,
                    index);
        }
    }

    /**
     * Hands everything the aggregator holds to the writer, waiting while the writer's ring is full.
     *
     * @param writerStopped true once the writer failed stop: its ring will never drain.
     * @throws IllegalStateException when the writer stopped while the aggregator waited for it.
     */
    public static void handOverFully(final CandleAggregator aggregator, final Supplier<String> writerStopped) {
        while (!aggregator.handOver()) {
            final String reason = writerStopped.get();
            if (reason != null) {
                throw new IllegalStateException("replay stopped: " + reason);
            }
            LockSupport.parkNanos(100_000L);
        }
    }
}
