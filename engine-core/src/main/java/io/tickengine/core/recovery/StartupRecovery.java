package io.tickengine.core.recovery;

import io.tickengine.core.candle.CandleAggregator;
import io.tickengine.core.ingest.IngestGate;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.store.RecoveryState;
import io.tickengine.core.tick.NameTable;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery at engine start, in two steps: {@link #restore} puts back what the store committed (sources' seqs and
 * windows, each symbol's resume point and watermarks) and says where the journal replay starts; {@link #replay}
 * replays the journal from there with {@link JournalReplay}, the writer running, so that every bar open at the
 * checkpoint is rebuilt exactly and the seqs journaled after it are known again.
 */
public final class StartupRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(StartupRecovery.class);
    private static final int HAND_OVER_EVERY = 4096;

    /** Told each symbol's committed replay-from index (the writer reports where a restart would replay from). */
    @FunctionalInterface
    public interface ReplayFromSink {
        void restoreReplayFrom(int symbolId, long replayFromIndex);
    }

    private StartupRecovery() {}

    /**
     * Restores the committed state into the aggregator and the ingest gate's dedup.
     *
     * @return the journal index the replay starts from; {@code Long.MIN_VALUE} for the whole journal.
     */
    public static long restore(
            final RecoveryState state,
            final TickJournal journal,
            final NameTable symbols,
            final NameTable sources,
            final CandleAggregator aggregator,
            final IngestGate gate,
            final ReplayFromSink writer,
            final EngineMetrics metrics) {
        JournalReplay.restoreSources(state, sources, aggregator, gate);
        long fromIndex = Long.MIN_VALUE;
        if (journal.id().equals(state.journalId())) {
            fromIndex = state.journalIndex() + 1;
            metrics.committedJournalIndex.set(state.journalIndex());
            for (final Map.Entry<String, RecoveryState.SymbolState> e :
                    state.symbols().entrySet()) {
                final RecoveryState.SymbolState s = e.getValue();
                final int symbolId = symbols.intern(e.getKey());
                final long replayFrom = s.replayFromIndex() == CandleAggregator.NO_OPEN_BAR
                        ? state.journalIndex() + 1
                        : s.replayFromIndex();
                aggregator.restoreSymbol(symbolId, replayFrom, s.replayWatermarkMsc(), s.watermarkMsc());
                writer.restoreReplayFrom(symbolId, s.replayFromIndex());
                fromIndex = Math.min(fromIndex, replayFrom);
            }
        } else if (state.journalId() != null) {
            LOG.warn(
                    "the store's checkpoint names another journal; replaying this journal in full "
                            + "[storeJournal={}, journal={}]",
                    state.journalId(),
                    journal.id());
        }
        if (fromIndex != Long.MIN_VALUE && fromIndex < journal.firstIndex() && journal.lastIndex() >= 0) {
            LOG.warn(
                    "journal files needed for an exact replay are gone; bars open at the checkpoint may be "
                            + "incomplete [replayFrom={}, firstIndex={}]",
                    fromIndex,
                    journal.firstIndex());
        }
        return fromIndex;
    }

    /**
     * Replays the journal from {@code fromIndex}, with the writer running; ends the aggregator's replay mode.
     *
     * @param writerStopped why the writer stopped, or {@code null}: a writer that stops ends the start.
     */
    public static void replay(
            final long checkpointIndex,
            final long fromIndex,
            final TickJournal journal,
            final NameTable symbols,
            final NameTable sources,
            final CandleAggregator aggregator,
            final IngestGate gate,
            final Supplier<String> writerStopped,
            final EngineMetrics metrics) {
        final long startNs = System.nanoTime();
        LOG.info(
                "replaying journal [from={}, to={}, checkpoint={}]",
                fromIndex == Long.MIN_VALUE ? "start" : Long.toString(fromIndex),
                journal.lastIndex(),
                checkpointIndex);
        final long count = JournalReplay.replay(
                journal, fromIndex, aggregator, symbols, sources, gate, HAND_OVER_EVERY, writerStopped, replayed -> {});
        aggregator.onReplayEnd();
        metrics.ticksReplayed.getAndAddRelease(count);
        metrics.lastJournalIndex.set(journal.lastIndex());
        EngineMetrics.record(metrics.replayDuration, System.nanoTime() - startNs, EngineMetrics.MAX_LONG_LATENCY_NS);
        LOG.info(
                "journal replayed [ticks={}, openBars={}, ms={}]",
                count,
                aggregator.openBars(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
    }
}
