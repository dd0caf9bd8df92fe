package io.tickengine.core.ingest;

import io.tickengine.core.candle.BarBuffer;
import io.tickengine.core.journal.JournalSpace;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.ring.IngestAck;
import io.tickengine.core.ring.TickEvent;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.SourceSequences;
import io.tickengine.core.tick.TickBuffer;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a request becomes journaled: one short critical section on the thread that offers it (an event loop, an
 * importer), holding claim, dedup, append and publish, so the answer is known when {@code tryPublish} returns and the
 * event loop writes it in the same task. The ring behind the gate carries only aggregation and storage.
 *
 * <pre>
 *   lock → journal writable? room on disk? → seq below the window? → claim the ring's slots (or 503)
 *        → per record: fill the slot → dedup (source, seq) → add to the request's journal document
 *        → commit the document → publish all → unlock → answer
 * </pre>
 *
 * One journal document per request ({@link TickJournal#commitDocument}): one Chronicle header, index entry and commit
 * per request rather than per tick, and a request is in the journal whole or not at all, after a crash too.
 *
 * <h2>Seqs out of order, and all or nothing</h2>
 * A tick with a {@code seq} is journaled once ({@link SourceSequences}: any order within the window below its
 * source's highest seq). A seq below the window refuses the whole request ({@link IngestAck#onSeqBelowWindow}): every
 * seq is checked against the window as it will stand when the request's highest seq is in, before anything of it is
 * journaled or any seq recorded. A seq is recorded as its tick goes into the request's document, so that a repeat
 * later in the same request is a duplicate; a failed append or commit stops ingest, and the restart rebuilds the seqs
 * from the journal, so nothing needs undoing.
 *
 * <h2>Failing safe</h2>
 * Before a request's first record the {@link JournalSpace} gate looks at the free space: below the margin the whole
 * request is refused ({@link IngestAck#onFailed}, {@code 503 not journaled: disk full}) and nothing of it is written.
 * Any failure of an append or of the document's commit, {@link Error}s included (a memory-mapped write on a full disk
 * faults with {@code InternalError}), or of the sync is answered the same way, never as journaled; the document is
 * rolled back and nothing of the request is published ({@link TickRing.Seal}).
 * A failed append also stops ingest (the engine's fail-stop, told through the {@link StopSwitch}): after a fault inside
 * a document, Chronicle's appender keeps its write lock and its position cannot be trusted. Every later request is
 * refused until a restart, whose start cuts the torn tail and appends again. The free-space gate keeps a full disk from getting that far.
 *
 * <h2>{@code journal.sync=true}</h2>
 * A journaled request's answer rides its last slot to the {@link JournalSyncHandler}, the ring's first handler, which
 * forces the journal to disk once per batch (group commit) and then answers; the aggregator runs after it, so nothing
 * reaches the store before it is on disk.
 *
 * <p>Thread-safe: any number of threads may offer requests. The lock is held for the appends of one request, a few
 * microseconds per tick; with the default single event loop it is never contended.
 */
public final class IngestGate {
    private static final Logger LOG = LoggerFactory.getLogger(IngestGate.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final TickRing ring;
    private final TickJournal journal;
    private final NameTable symbols;
    private final NameTable sources;
    private final boolean sync;
    private final EngineMetrics metrics;
    private final SourceSequences sequences;
    private final JournalSpace space;
    private final StopSwitch stopSwitch;

    // The request being checked: its sources, and per source (by id) its lowest and highest seq in it.
    private final IntArrayList requestSources = new IntArrayList();
    private boolean[] requestListed = new boolean[16];
    private long[] requestMinSeq = new long[16];
    private long[] requestMaxSeq = new long[16];

    // The request being journaled (under the lock).
    private int accepted;
    private int duplicates;
    private String failure;
    private int refusedIndex;
    /** The request's kind of record ({@link TickEvent#TYPE_TICK}, ...), once one is journaled. */
    private int kind;

    private long lastAppendedIndex = -1;
    // Set by the first failed append: the journal takes nothing more until a restart.
    private volatile String writeFailure;

    private final TickRing.Translator<TickBuffer> journalTick = this::journalTick;
    private final TickRing.Translator<BarBuffer> journalBar = this::journalBar;
    private final TickRing.Translator<long[]> journalReplace = this::journalReplace;
    private final TickRing.Seal commitRequest = this::commitRequest;

    /** Told the first failed append: the engine's fail-stop, which refuses ingest until a restart. */
    @FunctionalInterface
    public interface StopSwitch {
        void stop(String stage, Throwable cause);
    }

    /**
     * @param space the free-space gate, or {@code null} for none (benchmarks, tests).
     * @param stopSwitch told the first failed append (the engine's fail-stop).
     * @param sync true if an answer waits for the journal's sync ({@link JournalSyncHandler} must then be the ring's
     *     first handler).
     */
    public IngestGate(
            final TickRing ring,
            final TickJournal journal,
            final NameTable symbols,
            final NameTable sources,
            final boolean sync,
            final int dedupWindow,
            final EngineMetrics metrics,
            final JournalSpace space,
            final StopSwitch stopSwitch) {
        this.ring = ring;
        this.journal = journal;
        this.symbols = symbols;
        this.sources = sources;
        this.sync = sync;
        this.sequences = new SourceSequences(dedupWindow);
        this.metrics = metrics;
        this.space = space;
        this.stopSwitch = stopSwitch;
    }

    /** @return the most records one request may carry: what the ring takes at once and one journal document holds. */
    public int maxBatchSize() {
        return Math.min(ring.maxBatchSize(), journal.layout().maxRecordsPerDocument());
    }

    /**
     * Journals every tick of {@code ticks} that its source has not sent before, and publishes them all, or refuses
     * the request whole.
     *
     * @param ack told the answer: on this thread before the method returns, or on the syncer thread with
     *     {@code journal.sync}; may be {@code null}.
     * @return {@code >= 0} when {@code ack} has the answer (journaled or refused), or {@link TickRing#BACK_PRESSURED},
     *     {@link TickRing#CLOSED} or {@link TickRing#TOO_LARGE}, when nothing happened and {@code ack} is not told.
     */
    public long tryPublish(final TickBuffer ticks, final IngestAck ack) {
        final int n = ticks.size();
        if (n > maxBatchSize()) {
            return TickRing.TOO_LARGE;
        }
        final long startNs = System.nanoTime();
        final long result;
        final int accepted;
        final int duplicates;
        final String failure;
        final int refusedIndex;
        lock.lock();
        try {
            beginRequest();
            if (isWritable() && hasRoom(startNs) && seqsInWindow(ticks)) {
                result = publish(journalTick, ticks, n, sync ? ack : null, startNs);
            } else {
                result = 0;
            }
            accepted = this.accepted;
            duplicates = this.duplicates;
            failure = this.failure;
            refusedIndex = this.refusedIndex;
            endRequest();
        } finally {
            lock.unlock();
        }
        return answer(result, ack, accepted, duplicates, failure, refusedIndex, startNs);
    }

    /**
     * Journals and publishes every bar of {@code bars} (bars given whole, history backfill: written as they are,
     * replacing the stored bar), or refuses the request whole.
     *
     * @return as {@link #tryPublish(TickBuffer, IngestAck)}.
     */
    public long tryPublishBars(final BarBuffer bars, final IngestAck ack) {
        if (bars.size() > maxBatchSize()) {
            return TickRing.TOO_LARGE;
        }
        return publishWhole(journalBar, bars, bars.size(), ack);
    }

    /**
     * Journals and publishes a replace record: the symbol's ticks within {@code [fromMsc, toMsc]} journaled before
     * {@code beforeIndex} become void once it is journaled (an import that replaces a range).
     *
     * @return as {@link #tryPublish(TickBuffer, IngestAck)}.
     */
    public long tryPublishReplace(
            final int symbolId, final long fromMsc, final long toMsc, final long beforeIndex, final IngestAck ack) {
        // Rare (one per imported range): the array is the replace record's arguments.
        return publishWhole(journalReplace, new long[] {symbolId, fromMsc, toMsc, beforeIndex}, 1, ack);
    }

    /** Bars and replace records: no seq, no duplicates; journaled and published whole or refused whole. */
    private <T> long publishWhole(
            final TickRing.Translator<T> translator, final T records, final int n, final IngestAck ack) {
        final long startNs = System.nanoTime();
        final long result;
        final int accepted;
        final String failure;
        lock.lock();
        try {
            beginRequest();
            result = isWritable() && hasRoom(startNs) ? publish(translator, records, n, sync ? ack : null, startNs) : 0;
            accepted = this.accepted;
            failure = this.failure;
            endRequest();
        } finally {
            lock.unlock();
        }
        return answer(result, ack, accepted, 0, failure, -1, startNs);
    }

    /**
     * Claims, journals and publishes under the lock. A fault of the memory-mapped journal may surface as an
     * {@link Error} a little after the write that caused it, outside the append's own handling: it is the journal's
     * failure all the same (the ring has published the request's slots as duplicates), never the caller's.
     */
    private <T> long publish(
            final TickRing.Translator<T> translator,
            final T records,
            final int n,
            final IngestAck ack,
            final long nowNs) {
        try {
            return ring.tryPublish(translator, records, n, ack, commitRequest, nowNs);
        } catch (final RuntimeException | Error e) {
            try {
                journal.abortDocument();
            } catch (final RuntimeException | Error again) {
                e.addSuppressed(again);
            }
            onJournalFailed("write", e);
            // The slots were claimed and published (as duplicates): the request is answered, as refused.
            return 0;
        }
    }

    /**
     * Forces what was journaled to disk ({@code journal.sync}), excluding appends meanwhile: the group commit of the
     * {@link JournalSyncHandler}.
     */
    void sync() {
        lock.lock();
        try {
            journal.sync();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A fault of the memory-mapped journal surfaced after the write that caused it had returned (the JVM delivers it
     * at some later point of the writing thread): handled as a failed append, and the request in flight, answered by
     * its finder, counts as refused.
     */
    public void onLateFault(final Throwable cause) {
        lock.lock();
        try {
            try {
                journal.abortDocument();
            } catch (final RuntimeException | Error again) {
                cause.addSuppressed(again);
            }
            onJournalFailed("write (a fault surfaced after it)", cause);
            failure = null;
            metrics.journalRefused.incrementRelease();
        } finally {
            lock.unlock();
        }
    }

    /** @return why the journal takes nothing until a restart (an append failed), or {@code null}. */
    public String writeFailure() {
        return writeFailure;
    }

    /** Puts a source back as the store has it ({@link SourceSequences#restore}), before the replay. */
    public void restoreSource(final int sourceId, final long mark, final DirectBuffer window, final int length) {
        lock.lock();
        try {
            sequences.restore(sourceId, mark, window, 0, length);
        } finally {
            lock.unlock();
        }
    }

    /** Records a journaled seq while replaying the journal, before any request is offered. */
    public void restoreSequence(final int sourceId, final long seq) {
        lock.lock();
        try {
            sequences.accept(sourceId, seq);
        } finally {
            lock.unlock();
        }
    }

    private long answer(
            final long result,
            final IngestAck ack,
            final int accepted,
            final int duplicates,
            final String failure,
            final int refusedIndex,
            final long startNs) {
        if (result < 0) {
            return result;
        }
        if (failure != null && refusedIndex < 0) {
            metrics.journalRefused.incrementRelease();
        }
        if (ack != null) {
            if (refusedIndex >= 0) {
                ack.onSeqBelowWindow(refusedIndex, failure);
            } else if (failure != null) {
                ack.onFailed(failure);
            } else if (!sync) {
                ack.onJournaled(accepted, duplicates);
            }
            // Else journaled, with the answer on its last slot: the syncer tells it after the group commit.
        }
        if (failure == null && !sync) {
            EngineMetrics.record(metrics.journalLatency, System.nanoTime() - startNs, EngineMetrics.MAX_LATENCY_NS);
        }
        return result;
    }

    private void beginRequest() {
        accepted = 0;
        duplicates = 0;
        failure = null;
        refusedIndex = -1;
        kind = -1;
    }

    private void endRequest() {
        if (lastAppendedIndex >= 0) {
            metrics.lastJournalIndex.setRelease(lastAppendedIndex);
        }
    }

    /** @return true unless an append failed before (then the request is refused whole until a restart). */
    private boolean isWritable() {
        final String failed = writeFailure;
        if (failed == null) {
            return true;
        }
        failure = failed;
        return false;
    }

    /** @return true if the journal has room for the request; else it is refused whole, before anything is written. */
    private boolean hasRoom(final long nowNs) {
        if (space == null || space.hasRoom(nowNs)) {
            return true;
        }
        failure = space.describe();
        return false;
    }

    /**
     * @return false, with the request refused, if a seq of it is below its source's window as the window will stand
     *     after the request: {@code max(mark, request's highest seq) - window}.
     */
    private boolean seqsInWindow(final TickBuffer ticks) {
        final int n = ticks.size();
        for (int i = 0; i < n; i++) {
            final long seq = ticks.seq(i);
            if (seq > 0) {
                noteRequestSeq(ticks.sourceId(i), seq);
            }
        }
        if (requestSources.isEmpty()) {
            return true;
        }
        boolean below = false;
        for (int i = 0, s = requestSources.size(); i < s; i++) {
            final int sourceId = requestSources.getInt(i);
            below |= requestMinSeq[sourceId] <= top(sourceId) - sequences.window();
            requestListed[sourceId] = false;
        }
        if (below) {
            for (int i = 0; i < n; i++) {
                final long seq = ticks.seq(i);
                if (seq > 0 && seq <= top(ticks.sourceId(i)) - sequences.window()) {
                    refuse(i, ticks.sourceId(i), seq);
                    break;
                }
            }
        }
        requestSources.clear();
        return !below;
    }

    private long top(final int sourceId) {
        return Math.max(sequences.highWaterMark(sourceId), requestMaxSeq[sourceId]);
    }

    private void noteRequestSeq(final int sourceId, final long seq) {
        if (sourceId >= requestMinSeq.length) {
            final int capacity = Math.max(sourceId + 1, requestMinSeq.length * 2);
            requestMinSeq = Arrays.copyOf(requestMinSeq, capacity);
            requestMaxSeq = Arrays.copyOf(requestMaxSeq, capacity);
            requestListed = Arrays.copyOf(requestListed, capacity);
        }
        if (!requestListed[sourceId]) {
            requestListed[sourceId] = true;
            requestSources.addInt(sourceId);
            requestMinSeq[sourceId] = seq;
            requestMaxSeq[sourceId] = seq;
        } else if (seq < requestMinSeq[sourceId]) {
            requestMinSeq[sourceId] = seq;
        } else if (seq > requestMaxSeq[sourceId]) {
            requestMaxSeq[sourceId] = seq;
        }
    }

    private void refuse(final int index, final int sourceId, final long seq) {
        final long top = top(sourceId);
        // Refusals are rare and answered once per request: the message may allocate.
        failure = "seq below the dedup window [source=" + sources.name(sourceId) + ", seq=" + seq + ", window="
                + Math.max(1, top - sequences.window() + 1) + ".." + top + "]";
        refusedIndex = index;
    }

    /** Slot {@code e} gets tick {@code i}: journaled unless its source sent that seq before, or the journal failed. */
    private void journalTick(final TickBuffer ticks, final int i, final TickEvent e) {
        e.fillTick(ticks, i);
        if (failure != null) {
            // The journal failed earlier in this request (the client is told to resend it all): nothing more of it
            // may be journaled or record a seq (the resend would be taken for duplicates).
            e.markDuplicate();
        } else {
            final long seq = e.seq();
            final int sourceId = e.sourceId();
            if (seq > 0 && sequences.check(sourceId, seq) != SourceSequences.NEW) {
                e.markDuplicate();
                duplicates++;
                metrics.ticksDuplicate.incrementRelease();
            } else if (append(e)) {
                // Recorded before the document is committed, so that a repeat within the request is a duplicate. If
                // the commit fails the engine stops, and a restart rebuilds the seqs from the journal.
                if (seq > 0) {
                    sequences.accept(sourceId, seq);
                }
                metrics.symbols.onTick(e.symbolId(), e.timeMsc());
            }
        }
        endRecord(e);
    }

    private void journalBar(final BarBuffer bars, final int i, final TickEvent e) {
        e.fillBar(bars, i);
        if (failure != null) {
            e.markDuplicate();
        } else {
            append(e);
        }
        endRecord(e);
    }

    private void journalReplace(final long[] replace, final int i, final TickEvent e) {
        e.fillReplace((int) replace[0], replace[1], replace[2], replace[3]);
        if (failure != null) {
            e.markDuplicate();
        } else {
            append(e);
        }
        endRecord(e);
    }

    /** @return true if {@code e} is journaled; false if the append failed (the journal is then stopped). */
    private boolean append(final TickEvent e) {
        final long index;
        try {
            switch (e.type()) {
                case TickEvent.TYPE_TICK -> index = journal.append(e, symbols, sources);
                case TickEvent.TYPE_BAR -> index = journal.appendBar(e, symbols);
                default -> index = journal.appendReplace(e, symbols);
            }
        } catch (final RuntimeException | Error ex) {
            // Error too: a memory-mapped write on a full disk faults with InternalError (SIGBUS).
            onAppendFailed(e, ex);
            return false;
        }
        e.journalIndex(index);
        kind = e.type();
        accepted++;
        return true;
    }

    /**
     * Commits the request's journal document, once every slot is filled and before any is published: the request is
     * in the journal whole, or (the commit failed) nothing of it is published.
     */
    private boolean commitRequest() {
        if (failure != null || accepted == 0) {
            journal.abortDocument();
            return failure == null;
        }
        final int length;
        try {
            length = journal.commitDocument();
        } catch (final RuntimeException | Error ex) {
            onCommitFailed(ex);
            return false;
        }
        lastAppendedIndex = journal.lastIndex();
        metrics.journalBytes.getAndAddRelease(length);
        if (space != null) {
            space.onAppended(length);
        }
        if (kind == TickEvent.TYPE_TICK) {
            metrics.ticksJournaled.getAndAddRelease(accepted);
        } else if (kind == TickEvent.TYPE_BAR) {
            metrics.barsJournaled.getAndAddRelease(accepted);
        }
        return true;
    }

    /** On a request's last slot: the answer for the syncer, or none when the request is answered as failed now. */
    private void endRecord(final TickEvent e) {
        if (e.endsRequest()) {
            if (failure == null) {
                e.requestOutcome(accepted, duplicates);
            } else {
                e.dropAck();
            }
        }
    }

    private void onAppendFailed(final TickEvent e, final Throwable cause) {
        // Not journaled, so never aggregated: the aggregator skips duplicates and failures alike (and the ring marks
        // the request's other slots so when the commit reports the failure).
        e.markDuplicate();
        onJournalFailed("append", cause);
    }

    private void onCommitFailed(final Throwable cause) {
        journal.abortDocument();
        onJournalFailed("commit", cause);
    }

    private void onJournalFailed(final String step, final Throwable cause) {
        metrics.journalErrors.incrementRelease();
        if (writeFailure == null) {
            writeFailure = "journal write failed; ingest stopped until the engine restarts [cause=" + cause + "]";
            metrics.journalFailing.setRelease(1);
            LOG.error("journal {} failed: ingest refused until a restart, whose start cuts the torn tail", step, cause);
            // One stop-until-restart for the whole engine: ingest answers 503 and /health is red, as for any stage
            // that fails in a way it cannot recover from.
            stopSwitch.stop("journal: write", cause);
        }
        if (failure == null) {
            failure = writeFailure;
        }
    }
}
