package io.tickengine.core.ingest;

import com.lmax.disruptor.EventHandler;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.ring.IngestAck;
import io.tickengine.core.ring.TickEvent;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code journal.sync=true}: the ring's first handler, the group commit. The {@link IngestGate} has journaled every
 * request before publishing it; this handler forces the journal to disk once at the end of each batch and only then
 * answers the batch's requests, so one sync covers every request that arrived meanwhile. The aggregator runs after
 * it: nothing reaches the store before it is on disk.
 */
public final class JournalSyncHandler implements EventHandler<TickEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(JournalSyncHandler.class);

    private final EngineMetrics metrics;
    private IngestGate gate;
    private IngestAck[] acks = new IngestAck[64];
    private int[] accepted = new int[64];
    private int[] duplicates = new int[64];
    private long[] publishNs = new long[64];
    private int pending;

    public JournalSyncHandler(final EngineMetrics metrics) {
        this.metrics = metrics;
    }

    /** Gives the handler the gate whose journal it syncs; once, before the ring starts. */
    public void syncThrough(final IngestGate gate) {
        this.gate = gate;
    }

    @Override
    public void onStart() {
        if (gate == null) {
            throw new IllegalStateException("JournalSyncHandler.syncThrough(gate) was not called");
        }
    }

    @Override
    public void onEvent(final TickEvent event, final long sequence, final boolean endOfBatch) {
        if (event.endsRequest() && event.ack() != null) {
            add(event);
        }
        if (endOfBatch && pending > 0) {
            syncAndAnswer();
        }
    }

    private void add(final TickEvent event) {
        if (pending == acks.length) {
            final int capacity = pending * 2;
            acks = Arrays.copyOf(acks, capacity);
            accepted = Arrays.copyOf(accepted, capacity);
            duplicates = Arrays.copyOf(duplicates, capacity);
            publishNs = Arrays.copyOf(publishNs, capacity);
        }
        acks[pending] = event.ack();
        accepted[pending] = event.requestAccepted();
        duplicates[pending] = event.requestDuplicates();
        publishNs[pending] = event.publishNs();
        pending++;
    }

    private void syncAndAnswer() {
        String failure = null;
        try {
            gate.sync();
        } catch (final RuntimeException | Error e) {
            // Written to the mapped file (it survives a crash of this process) but not known to be on disk: the
            // promise of journal.sync is not kept, so none of the batch is acknowledged.
            failure = "journal sync failed [cause=" + e + "]";
            metrics.journalErrors.incrementRelease();
            LOG.error("journal sync failed; the batch is answered as not journaled", e);
        }
        final long nowNs = System.nanoTime();
        for (int i = 0; i < pending; i++) {
            final IngestAck ack = acks[i];
            acks[i] = null;
            if (failure == null) {
                EngineMetrics.record(metrics.journalLatency, nowNs - publishNs[i], EngineMetrics.MAX_LATENCY_NS);
                ack.onJournaled(accepted[i], duplicates[i]);
            } else {
                metrics.journalRefused.incrementRelease();
                ack.onFailed(failure);
            }
        }
        pending = 0;
    }
}
