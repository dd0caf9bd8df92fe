package io.tickengine.core.journal;

import com.lmax.disruptor.EventHandler;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.ring.IngestAck;
import io.tickengine.core.ring.TickEvent;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.SourceSequences;
import java.util.Arrays;

/**
 * First handler of the ring: drops ticks their source already sent, appends every other tick to the journal, and
 * completes each publish call's {@link IngestAck} at the end of the batch that holds its last tick: after
 * {@link TickJournal#sync()} when {@code journal.sync} is on, so one sync covers the whole batch (group commit).
 */
public final class JournalHandler implements EventHandler<TickEvent> {
    private final TickJournal journal;
    private final NameTable symbols;
    private final NameTable sources;
    private final boolean sync;
    private final EngineMetrics metrics;
    private final SourceSequences sequences = new SourceSequences();

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JournalHandler.class);

    private long lastAppendedIndex = -1;
    private boolean appendsFailing;
    private long failedAppends;
    private String requestFailure;
    private String[] pendingFailures = new String[64];
    private int requestAccepted;
    private int requestDuplicates;
    private IngestAck[] pendingAcks = new IngestAck[64];
    private int[] pendingAccepted = new int[64];
    private int[] pendingDuplicates = new int[64];
    private long[] pendingPublishNs = new long[64];
    private int pendingCount;

    public JournalHandler(
            final TickJournal journal,
            final NameTable symbols,
            final NameTable sources,
            final boolean sync,
            final EngineMetrics metrics) {
        this.journal = journal;
        this.symbols = symbols;
        this.sources = sources;
        this.sync = sync;
        this.metrics = metrics;
    }

    /** Raises a source's mark while restoring state before the ring starts (from the store and the replay). */
    public void restoreSequence(final int sourceId, final long seq) {
        sequences.advance(sourceId, seq);
    }

    @Override
    public void onEvent(final TickEvent event, final long sequence, final boolean endOfBatch) {
        if (event.type() == TickEvent.TYPE_TICK) {
            onTick(event);
        } else if (event.type() == TickEvent.TYPE_BAR || event.type() == TickEvent.TYPE_REPLACE) {
            onBar(event);
        }
        if (endOfBatch) {
            onEndOfBatch();
        }
    }

    private void onTick(final TickEvent event) {
        if (requestFailure != null) {
            // The journal failed earlier in this request: the client is told to resend it all, so nothing more of
            // it may be journaled or raise a high-water mark (the resend would be taken for duplicates).
            event.markDuplicate();
            endRecord(event);
            return;
        }
        final long seq = event.seq();
        final int sourceId = event.sourceId();
        final long previousMark = seq > 0 ? sequences.highWaterMark(sourceId) : 0;
        if (seq > 0 && !sequences.accept(sourceId, seq)) {
            event.markDuplicate();
            requestDuplicates++;
            metrics.ticksDuplicate.incrementRelease();
        } else {
            try {
                lastAppendedIndex = journal.append(event, symbols, sources);
                event.journalIndex(lastAppendedIndex);
                requestAccepted++;
                metrics.ticksJournaled.incrementRelease();
                metrics.journalBytes.getAndAddRelease(journal.lastRecordLength());
                if (appendsFailing) {
                    onAppendsRecovered();
                }
                metrics.symbols.onTick(event.symbolId(), event.timeMsc());
            } catch (final RuntimeException e) {
                if (seq > 0) {
                    sequences.reset(sourceId, previousMark);
                }
                onAppendFailed(event, e);
            }
        }
        endRecord(event);
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
            metrics.journalBytes.getAndAddRelease(journal.lastRecordLength());
            if (appendsFailing) {
                onAppendsRecovered();
            }
        } catch (final RuntimeException e) {
            onAppendFailed(event, e);
        }
        endRecord(event);
    }

    private void onAppendFailed(final TickEvent event, final RuntimeException e) {
        // Not journaled, so never aggregated: the aggregator skips duplicates and failures alike.
        event.markDuplicate();
        metrics.journalErrors.incrementRelease();
        failedAppends++;
        if (requestFailure == null) {
            requestFailure = "journal append failed: " + e.getMessage();
        }
        // Logged when appends start failing, not for each record: journalErrors counts them.
        if (!appendsFailing) {
            appendsFailing = true;
            LOG.error("journal appends failing [symbolId={}, timeMsc={}]", event.symbolId(), event.timeMsc(), e);
        }
    }

    private void onAppendsRecovered() {
        appendsFailing = false;
        LOG.info("journal appending again [failedRecords={}]", failedAppends);
        failedAppends = 0;
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
        }
    }

    private void onEndOfBatch() {
        if (lastAppendedIndex >= 0) {
            metrics.lastJournalIndex.setRelease(lastAppendedIndex);
        }
        if (pendingCount == 0) {
            return;
        }
        if (sync) {
            journal.sync();
        }
        final long nowNs = System.nanoTime();
        for (int i = 0; i < pendingCount; i++) {
            final IngestAck ack = pendingAcks[i];
            pendingAcks[i] = null;
            EngineMetrics.record(metrics.journalLatency, nowNs - pendingPublishNs[i], EngineMetrics.MAX_LATENCY_NS);
            final String failure = pendingFailures[i];
            if (failure == null) {
                ack.onJournaled(pendingAccepted[i], pendingDuplicates[i]);
            } else {
                pendingFailures[i] = null;
                ack.onFailed(failure);
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
        }
        pendingAcks[pendingCount] = ack;
        pendingAccepted[pendingCount] = requestAccepted;
        pendingDuplicates[pendingCount] = requestDuplicates;
        pendingPublishNs[pendingCount] = publishNs;
        pendingFailures[pendingCount] = requestFailure;
        pendingCount++;
    }
}
