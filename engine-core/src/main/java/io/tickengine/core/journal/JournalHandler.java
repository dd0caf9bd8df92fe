package io.tickengine.core.journal;

import com.lmax.disruptor.EventHandler;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.ring.IngestAck;
import io.tickengine.core.ring.TickEvent;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.SourceSequences;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;

/**
 * First handler of the ring: drops ticks their source already sent, appends every other tick to the journal, and
 * completes each publish call's {@link IngestAck} at the end of the batch that holds its last tick: after
 * {@link TickJournal#sync()} when {@code journal.sync} is on, so one sync covers the whole batch (group commit).
 *
 * <h2>Seqs out of order, and all or nothing</h2>
 * A tick with a {@code seq} is journaled once ({@link SourceSequences}: any order within the window below its
 * source's highest seq). A seq below the window refuses the whole request ({@link IngestAck#onSeqBelowWindow}), so
 * on meeting a request's first tick the handler reads ahead to its last ({@link TickRing#published}) and checks
 * every seq against the window as it will stand when the request's highest seq is in: a request holding such a
 * tick journals nothing and records no seq. A seq is recorded only once its tick is journaled, so a failed append
 * needs no undo.
 *
 * <h2>Failing safe</h2>
 * Before a request's first record the {@link JournalSpace} gate looks at the free space: below the margin the whole
 * request is refused ({@link IngestAck#onFailed}, {@code 503 not journaled: disk full}) and nothing of it is written.
 * Any failure of an append, {@link Error}s included (a memory-mapped write on a full disk faults with
 * {@code InternalError}), or of the sync is answered the same way, never as journaled; the records of the request
 * after the failure are not written and no seq of them is recorded, so a resend is taken, not answered as duplicates.
 * A failed append also stops the journal for good (fail-stop): after a fault inside a document, Chronicle's appender
 * keeps its write lock and its position cannot be trusted (appending on writes documents where readers never find
 * them, so acknowledged ticks would be lost). Every later request is refused until a restart, whose start cuts the
 * torn tail ({@link JournalTail}) and appends again. The free-space gate keeps a full disk from getting that far.
 */
public final class JournalHandler implements EventHandler<TickEvent> {
    private final TickJournal journal;
    private final NameTable symbols;
    private final NameTable sources;
    private final boolean sync;
    private final EngineMetrics metrics;
    private final SourceSequences sequences;
    private final JournalSpace space;
    // The request being checked: its sources, and per source (by id) its lowest and highest seq in it.
    private final IntArrayList requestSources = new IntArrayList();
    private boolean[] requestListed = new boolean[16];
    private long[] requestMinSeq = new long[16];
    private long[] requestMaxSeq = new long[16];
    private TickRing ring;
    private boolean atRequestStart = true;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JournalHandler.class);

    private long lastAppendedIndex = -1;
    // Set by the first failed append: the journal takes nothing more until a restart.
    private String writeFailure;
    private String requestFailure;
    private String[] pendingFailures = new String[64];
    // The index of the tick refused for its seq, or -1: then a non-null requestFailure is a journal failure.
    private int requestRefusedIndex = -1;
    private int[] pendingRefusedIndex = new int[64];
    private int requestAccepted;
    private int requestDuplicates;
    private IngestAck[] pendingAcks = new IngestAck[64];
    private int[] pendingAccepted = new int[64];
    private int[] pendingDuplicates = new int[64];
    private long[] pendingPublishNs = new long[64];
    private int pendingCount;

    /** A handler without the free-space gate (benchmarks, tests). */
    public JournalHandler(
            final TickJournal journal,
            final NameTable symbols,
            final NameTable sources,
            final boolean sync,
            final int dedupWindow,
            final EngineMetrics metrics) {
        this(journal, symbols, sources, sync, dedupWindow, metrics, null);
    }

    /** @param space the free-space gate, or {@code null} for none. */
    public JournalHandler(
            final TickJournal journal,
            final NameTable symbols,
            final NameTable sources,
            final boolean sync,
            final int dedupWindow,
            final EngineMetrics metrics,
            final JournalSpace space) {
        this.space = space;
        this.sequences = new SourceSequences(dedupWindow);
        this.journal = journal;
        this.symbols = symbols;
        this.sources = sources;
        this.sync = sync;
        this.metrics = metrics;
    }

    /**
     * Gives the handler the ring it reads ahead in (see the class comment); once, before the ring starts.
     */
    public void readAheadIn(final TickRing ring) {
        this.ring = ring;
    }

    /** Puts a source back as the store has it ({@link SourceSequences#restore}), before the replay. */
    public void restoreSource(final int sourceId, final long mark, final DirectBuffer window, final int length) {
        sequences.restore(sourceId, mark, window, 0, length);
    }

    /** Records a journaled seq while replaying the journal before the ring starts. */
    public void restoreSequence(final int sourceId, final long seq) {
        sequences.accept(sourceId, seq);
    }

    @Override
    public void onStart() {
        if (ring == null) {
            throw new IllegalStateException("JournalHandler.readAheadIn(ring) was not called");
        }
    }

    @Override
    public void onEvent(final TickEvent event, final long sequence, final boolean endOfBatch) {
        if (event.type() == TickEvent.TYPE_TICK) {
            if (atRequestStart) {
                atRequestStart = false;
                if (checkWritable() && checkSpace()) {
                    checkRequest(sequence);
                }
            }
            onTick(event);
        } else if (event.type() == TickEvent.TYPE_BAR || event.type() == TickEvent.TYPE_REPLACE) {
            if (atRequestStart) {
                atRequestStart = false;
                if (checkWritable()) {
                    checkSpace();
                }
            }
            onBar(event);
        }
        if (endOfBatch) {
            onEndOfBatch();
        }
    }

    private void onTick(final TickEvent event) {
        if (requestFailure != null) {
            // The request is refused for a seq below the window, or the journal failed earlier in it (the client
            // is told to resend it all): nothing more of it may be journaled or record a seq (the resend would be
            // taken for duplicates).
            event.markDuplicate();
            endRecord(event);
            return;
        }
        final long seq = event.seq();
        final int sourceId = event.sourceId();
        // The request check refused every tick below the window, so a seq here is new or a duplicate.
        if (seq > 0 && sequences.check(sourceId, seq) != SourceSequences.NEW) {
            event.markDuplicate();
            requestDuplicates++;
            metrics.ticksDuplicate.incrementRelease();
        } else {
            try {
                lastAppendedIndex = journal.append(event, symbols, sources);
                event.journalIndex(lastAppendedIndex);
                if (seq > 0) {
                    sequences.accept(sourceId, seq);
                }
                requestAccepted++;
                metrics.ticksJournaled.incrementRelease();
                onAppended();
                metrics.symbols.onTick(event.symbolId(), event.timeMsc());
            } catch (final RuntimeException | Error e) {
                // Error too: a memory-mapped write on a full disk faults with InternalError (SIGBUS).
                onAppendFailed(event, e);
            }
        }
        endRecord(event);
    }

    /** @return true unless an append failed before (then the request is refused whole until a restart). */
    private boolean checkWritable() {
        if (writeFailure == null) {
            return true;
        }
        requestFailure = writeFailure;
        return false;
    }

    /** @return true if the journal has room for the request starting now; else the request is refused whole. */
    private boolean checkSpace() {
        if (space == null || space.hasRoom(System.nanoTime())) {
            return true;
        }
        // Refused before anything of the request is written: no append, no seq recorded.
        requestFailure = space.describe();
        return false;
    }

    /**
     * Reads the request that starts at {@code first} to its last event and refuses it whole if a seq is below its
     * source's window as it will stand after the request: {@code max(mark, request's highest seq) - window}.
     */
    private void checkRequest(final long first) {
        long last = first;
        while (true) {
            final TickEvent e = ring.published(last);
            final long seq = e.seq();
            if (seq > 0) {
                noteRequestSeq(e.sourceId(), seq);
            }
            if (e.endsRequest()) {
                break;
            }
            last++;
        }
        if (requestSources.isEmpty()) {
            return;
        }
        boolean below = false;
        for (int i = 0, n = requestSources.size(); i < n; i++) {
            final int sourceId = requestSources.getInt(i);
            below |= requestMinSeq[sourceId] <= top(sourceId) - sequences.window();
            requestListed[sourceId] = false;
        }
        if (below) {
            for (long s = first; s <= last; s++) {
                final TickEvent e = ring.published(s);
                final long seq = e.seq();
                if (seq > 0 && seq <= top(e.sourceId()) - sequences.window()) {
                    refuse((int) (s - first), e.sourceId(), seq);
                    break;
                }
            }
        }
        requestSources.clear();
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
        requestFailure = "seq below the dedup window [source=" + sources.name(sourceId) + ", seq=" + seq + ", window="
                + Math.max(1, top - sequences.window() + 1) + ".." + top + "]";
        requestRefusedIndex = index;
    }

    private void onBar(final TickEvent event) {
        if (requestFailure != null) {
            event.markDuplicate();
            endRecord(event);
            return;
        }
        try {
            lastAppendedIndex = event.type() == TickEvent.TYPE_BAR
                    ? journal.appendBar(event, symbols)
                    : journal.appendReplace(event, symbols);
            event.journalIndex(lastAppendedIndex);
            requestAccepted++;
            metrics.barsJournaled.incrementRelease();
            onAppended();
        } catch (final RuntimeException | Error e) {
            onAppendFailed(event, e);
        }
        endRecord(event);
    }

    private void onAppended() {
        final int length = journal.lastRecordLength();
        metrics.journalBytes.getAndAddRelease(length);
        if (space != null) {
            space.onAppended(length);
        }
    }

    private void onAppendFailed(final TickEvent event, final Throwable e) {
        // Not journaled, so never aggregated: the aggregator skips duplicates and failures alike.
        event.markDuplicate();
        metrics.journalErrors.incrementRelease();
        if (writeFailure == null) {
            writeFailure = "journal write failed; ingest stopped until the engine restarts [cause=" + e + "]";
            metrics.journalFailing.setRelease(1);
            LOG.error(
                    "journal write failed: ingest refused until a restart, whose start cuts the torn tail "
                            + "[symbolId={}, timeMsc={}]",
                    event.symbolId(),
                    event.timeMsc(),
                    e);
        }
        if (requestFailure == null) {
            requestFailure = writeFailure;
        }
    }

    private void endRecord(final TickEvent event) {
        if (event.endsRequest()) {
            final IngestAck ack = event.ack();
            if (ack != null) {
                addPending(ack, event.publishNs());
            }
            requestAccepted = 0;
            requestDuplicates = 0;
            requestFailure = null;
            requestRefusedIndex = -1;
            atRequestStart = true;
        }
    }

    private void onEndOfBatch() {
        if (lastAppendedIndex >= 0) {
            metrics.lastJournalIndex.setRelease(lastAppendedIndex);
        }
        if (pendingCount == 0) {
            return;
        }
        String syncFailure = null;
        if (sync) {
            try {
                journal.sync();
            } catch (final RuntimeException | Error e) {
                // Written to the mapped file (it survives a crash of this process) but not known to be on disk: the
                // promise of journal.sync is not kept, so none of the batch is acknowledged.
                syncFailure = "journal sync failed [cause=" + e + "]";
                metrics.journalErrors.incrementRelease();
                LOG.error("journal sync failed; the batch is answered as not journaled", e);
            }
        }
        final long nowNs = System.nanoTime();
        for (int i = 0; i < pendingCount; i++) {
            final IngestAck ack = pendingAcks[i];
            pendingAcks[i] = null;
            EngineMetrics.record(metrics.journalLatency, nowNs - pendingPublishNs[i], EngineMetrics.MAX_LATENCY_NS);
            final String failure = pendingFailures[i] != null ? pendingFailures[i] : syncFailure;
            if (failure != null && pendingRefusedIndex[i] < 0) {
                metrics.journalRefused.incrementRelease();
            }
            if (failure == null) {
                ack.onJournaled(pendingAccepted[i], pendingDuplicates[i]);
            } else {
                pendingFailures[i] = null;
                if (pendingRefusedIndex[i] >= 0) {
                    ack.onSeqBelowWindow(pendingRefusedIndex[i], failure);
                } else {
                    ack.onFailed(failure);
                }
            }
        }
        pendingCount = 0;
    }

    private void addPending(final IngestAck ack, final long publishNs) {
        if (pendingCount == pendingAcks.length) {
            final int capacity = pendingCount * 2;
            pendingAcks = Arrays.copyOf(pendingAcks, capacity);
            pendingAccepted = Arrays.copyOf(pendingAccepted, capacity);
            pendingDuplicates = Arrays.copyOf(pendingDuplicates, capacity);
            pendingPublishNs = Arrays.copyOf(pendingPublishNs, capacity);
            pendingFailures = Arrays.copyOf(pendingFailures, capacity);
            pendingRefusedIndex = Arrays.copyOf(pendingRefusedIndex, capacity);
        }
        pendingAcks[pendingCount] = ack;
        pendingAccepted[pendingCount] = requestAccepted;
        pendingDuplicates[pendingCount] = requestDuplicates;
        pendingPublishNs[pendingCount] = publishNs;
        pendingFailures[pendingCount] = requestFailure;
        pendingRefusedIndex[pendingCount] = requestRefusedIndex;
        pendingCount++;
    }
}
