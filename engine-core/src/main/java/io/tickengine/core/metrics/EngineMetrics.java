package io.tickengine.core.metrics;

import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import org.HdrHistogram.Recorder;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The engine's counters and latency recorders, one instance per engine, shared by its components.
 *
 * <p>Counters are Agrona {@link AtomicCounter}s in an off-heap buffer: each has a single writer thread (named on the
 * field) that updates it with a release store, and any thread may read it. Latencies are HdrHistogram
 * {@link Recorder}s (wait-free, no allocation per record) in nanoseconds; an exporter takes interval histograms from
 * them. Values above a recorder's range are recorded as its highest value (see {@link #record}). This class only
 * records; exporting (Prometheus) lives in the HTTP module.
 */
public final class EngineMetrics {
    /** Symbols tracked by {@link #symbols} when not configured ({@code metrics.symbols.max}). */
    public static final int DEFAULT_TRACKED_SYMBOLS = 100;

    private static final int MAX_COUNTERS = 64;
    /** Highest value of the request and journal latency recorders: 60 s. */
    public static final long MAX_LATENCY_NS = 60_000_000_000L;
    /** Highest value of the freshness, store write and replay recorders: 1 h. */
    public static final long MAX_LONG_LATENCY_NS = MAX_LATENCY_NS * 60;
    /** Highest value of the batch size recorder. */
    public static final long MAX_BATCH_BARS = 1_000_000_000L;

    private final CountersManager counters;

    /** Ticks appended to the journal. Journal thread. */
    public final AtomicCounter ticksJournaled;
    /** Whole bars (backfill) appended to the journal. Journal thread. */
    public final AtomicCounter barsJournaled;
    /** Bytes of the records appended to the journal (Chronicle adds a few bytes of framing each). Journal thread. */
    public final AtomicCounter journalBytes;
    /** Ticks the journal failed to append (answered 503, not aggregated). Journal thread. */
    public final AtomicCounter journalErrors;
    /** Requests (and bar batches) answered {@code 503 not journaled}: disk full or a failed append. Journal thread. */
    public final AtomicCounter journalRefused;
    /** 1 while the journal's file system has less free space than {@code journal.min.free.mb}, else 0. */
    public final AtomicCounter journalDiskFull;
    /** 1 once an append failed: the journal refuses every request until a restart. Journal thread. */
    public final AtomicCounter journalFailing;
    /** Free bytes on the journal's file system at the last look, -1 before the first. */
    public final AtomicCounter journalFreeBytes;
    /** Damaged journal tails cut at start-up (torn or overwritten last documents). Start-up thread. */
    public final AtomicCounter journalTailCuts;
    /** Bytes cut from damaged journal tails at start-up. Start-up thread. */
    public final AtomicCounter journalTailCutBytes;
    /** Ticks dropped because their source had sent that seq before. Journal thread. */
    public final AtomicCounter ticksDuplicate;
    /** Ticks older than the late window: journaled, not aggregated. Aggregator thread. */
    public final AtomicCounter ticksLate;
    /** Ticks with no price for their symbol's price source (e.g. bid 0): journaled, not aggregated. Aggregator. */
    public final AtomicCounter ticksNoPrice;
    /** Ticks applied to candles. Aggregator thread. */
    public final AtomicCounter ticksAggregated;
    /** Ticks read back from the journal at start-up. Start-up thread. */
    public final AtomicCounter ticksReplayed;
    /** Bar versions handed to the writer. Aggregator thread. */
    public final AtomicCounter candlesEmitted;
    /** Bars written to the store (after coalescing). Writer thread. */
    public final AtomicCounter candlesWritten;
    /** Store transactions committed. Writer thread. */
    public final AtomicCounter storeBatches;
    /** Store writes that failed (each is retried). Writer thread. */
    public final AtomicCounter storeErrors;
    /** Bars the database refused for their data, set aside in {@code engine_rejected_bars}. Writer and rebuilder. */
    public final AtomicCounter barsSetAside;
    /** 1 while the last store write succeeded, 0 after a failure. Writer thread. */
    public final AtomicCounter storeUp;
    /** Bars waiting for the store. Writer thread. */
    public final AtomicCounter writerBacklog;
    /** Journal index of the newest record appended, -1 before the first. Journal thread. */
    public final AtomicCounter lastJournalIndex;
    /** Journal index of the newest tick whose candles are committed. Writer thread. */
    public final AtomicCounter committedJournalIndex;
    /** Errors thrown by a ring handler (each one is logged). Handler threads. */
    public final AtomicCounter handlerErrors;
    /** The oldest journal index a restart now would replay from (the oldest open bar's first tick), -1 if none. */
    public final AtomicCounter replayFromIndex;
    /** Journal records the tick store has not committed yet. */
    public final AtomicCounter tickStoreLag;
    /** Ticks written to the tick store. */
    public final AtomicCounter ticksStored;
    /** Stored ticks deleted because an import replaced their range. */
    public final AtomicCounter ticksReplaced;
    /** The last journal index whose ticks are all in the tick store, -1 if none. */
    public final AtomicCounter tickStoreIndex;
    /** Failed tick store transactions (each retried). */
    public final AtomicCounter tickStoreErrors;
    /** 1 while the tick store takes writes, 0 while it fails. */
    public final AtomicCounter tickStoreUp;
    /** Bars rebuilt from stored ticks (late ticks, replaced ranges). */
    public final AtomicCounter barsRebuilt;
    /** Rebuild requests handed to the writer. */
    public final AtomicCounter rebuildRequests;
    /** 1 once a stage failed unexpectedly and ingest stopped until a restart ({@code FailStop}), else 0. */
    public final AtomicCounter ingestStopped;
    /** Unexpected errors of the background agents (tick store writer, rebuilder); each makes the agent start over. */
    public final AtomicCounter agentErrors;

    /** Per-symbol tick count and newest tick time, for a bounded number of symbols. Journal thread. */
    public final SymbolActivity symbols;

    /** Publish call to journaled (and synced), per request, in ns. Journal thread. */
    public final Recorder journalLatency = new Recorder(MAX_LATENCY_NS, 3);
    /**
     * Duration of one store transaction, in ns, corrected for coordinated omission at the writer's flush interval.
     * Writer thread.
     */
    public final Recorder storeWriteLatency = new Recorder(MAX_LONG_LATENCY_NS, 3);
    /** Bars per store transaction. Writer thread. */
    public final Recorder storeBatchSize = new Recorder(MAX_BATCH_BARS, 2);
    /**
     * Oldest tick of a store transaction published to the ring, to the transaction committed, in ns: how stale the
     * store is. Corrected for coordinated omission at the writer's flush interval. Writer thread.
     */
    public final Recorder freshness = new Recorder(MAX_LONG_LATENCY_NS, 3);
    /** Duration of the journal replay at start-up, in ns. Start-up thread. */
    public final Recorder replayDuration = new Recorder(MAX_LONG_LATENCY_NS, 3);

    /** Metrics tracking the first {@link #DEFAULT_TRACKED_SYMBOLS} symbols. */
    public EngineMetrics() {
        this(DEFAULT_TRACKED_SYMBOLS);
    }

    /** @param trackedSymbols how many symbols {@link #symbols} tracks (the first ones seen). */
    public EngineMetrics(final int trackedSymbols) {
        symbols = new SymbolActivity(trackedSymbols);
        final UnsafeBuffer metaData =
                new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_COUNTERS * CountersManager.METADATA_LENGTH));
        final UnsafeBuffer values =
                new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_COUNTERS * CountersManager.COUNTER_LENGTH));
        counters = new CountersManager(metaData, values);
        ticksJournaled = counters.newCounter("ticks_journaled");
        ticksDuplicate = counters.newCounter("ticks_duplicate");
        journalBytes = counters.newCounter("journal_bytes");
        journalErrors = counters.newCounter("journal_errors");
        journalRefused = counters.newCounter("journal_refused");
        journalDiskFull = counters.newCounter("journal_disk_full");
        journalFailing = counters.newCounter("journal_failing");
        journalFreeBytes = counters.newCounter("journal_free_bytes");
        journalFreeBytes.set(-1);
        journalTailCuts = counters.newCounter("journal_tail_cuts");
        journalTailCutBytes = counters.newCounter("journal_tail_cut_bytes");
        barsJournaled = counters.newCounter("bars_journaled");
        ticksLate = counters.newCounter("ticks_late");
        ticksNoPrice = counters.newCounter("ticks_no_price");
        ticksAggregated = counters.newCounter("ticks_aggregated");
        ticksReplayed = counters.newCounter("ticks_replayed");
        candlesEmitted = counters.newCounter("candles_emitted");
        candlesWritten = counters.newCounter("candles_written");
        storeBatches = counters.newCounter("store_batches");
        storeErrors = counters.newCounter("store_errors");
        storeUp = counters.newCounter("store_up");
        barsSetAside = counters.newCounter("bars_set_aside");
        writerBacklog = counters.newCounter("writer_backlog");
        committedJournalIndex = counters.newCounter("committed_journal_index");
        lastJournalIndex = counters.newCounter("last_journal_index");
        lastJournalIndex.set(-1);
        handlerErrors = counters.newCounter("handler_errors");
        committedJournalIndex.set(-1);
        replayFromIndex = counters.newCounter("replay_from_index");
        replayFromIndex.set(-1);
        tickStoreLag = counters.newCounter("tick_store_lag");
        ticksStored = counters.newCounter("ticks_stored");
        ticksReplaced = counters.newCounter("ticks_replaced");
        tickStoreIndex = counters.newCounter("tick_store_index");
        tickStoreIndex.set(-1);
        tickStoreErrors = counters.newCounter("tick_store_errors");
        tickStoreUp = counters.newCounter("tick_store_up");
        tickStoreUp.set(1);
        barsRebuilt = counters.newCounter("bars_rebuilt");
        rebuildRequests = counters.newCounter("rebuild_requests");
        agentErrors = counters.newCounter("agent_errors");
        ingestStopped = counters.newCounter("ingest_stopped");
    }

    /**
     * Records a value, clamped to the recorder's range: a stall longer than the range must not throw on the thread
     * that records it. Allocates nothing.
     */
    public static void record(final Recorder recorder, final long value, final long highestValue) {
        recorder.recordValue(Math.max(0, Math.min(value, highestValue)));
    }

    /**
     * Records a value, clamped to the recorder's range, correcting for coordinated omission: when values are
     * expected every {@code expectedIntervalNs} and one took longer, the values the stall hid are added (HdrHistogram
     * {@code recordValueWithExpectedInterval}). Allocates nothing.
     */
    public static void record(
            final Recorder recorder, final long value, final long highestValue, final long expectedIntervalNs) {
        recorder.recordValueWithExpectedInterval(Math.max(0, Math.min(value, highestValue)), expectedIntervalNs);
    }

    /** Calls {@code consumer} with the label and value of every counter; for exporters and logs. */
    public void forEachCounter(final BiConsumer<String, Long> consumer) {
        counters.forEach((id, label) -> consumer.accept(label, counters.getCounterValue(id)));
    }
}
