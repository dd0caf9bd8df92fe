package io.tickengine.core.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link WaitStrategyType#SLEEPING}: a sleeping wait whose backoff depends on the handler's place in the chain.
 *
 * <ul>
 *   <li>The first handler (it waits on the ring's cursor), when it is on the acknowledgement path (the group-commit
 *       syncer of {@code journal.sync=true}): it spins, then yields, then parks for the shortest time, as
 *       Disruptor's {@code SleepingWaitStrategy} does.
 *   <li>Handlers off that path (the aggregator) only feed the store, which commits every 100 ms: they spin briefly, then
 *       park for {@code downstreamParkNs} without yielding. On 2 cores the yield phase was pure cost: a profile of
 *       single-tick ingest showed the aggregator thread using as much CPU as the journal thread, most of it in
 *       {@code sched_yield}. Waking less often also hands the aggregator larger batches, so it hands bars to the
 *       writer once per batch rather than once per tick.
 * </ul>
 *
 * Never blocks a publisher: nothing is signalled on publish.
 */
final class StagedSleepingWaitStrategy implements WaitStrategy {
    private static final int FIRST_SPINS = 100;
    private static final int FIRST_YIELDS = 100;
    private static final long FIRST_PARK_NS = 100;
    private static final int DOWNSTREAM_SPINS = 100;

    private final long downstreamParkNs;
    private final boolean firstOnAckPath;

    /**
     * @param downstreamParkNs how long a handler off the acknowledgement path parks when it has nothing to do.
     * @param firstOnAckPath true if the first handler answers requests (then it waits the short way).
     */
    StagedSleepingWaitStrategy(final long downstreamParkNs, final boolean firstOnAckPath) {
        this.downstreamParkNs = downstreamParkNs;
        this.firstOnAckPath = firstOnAckPath;
    }

    @Override
    public long waitFor(
            final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
            throws AlertException {
        // Disruptor hands the first handler's barrier the cursor itself as its dependent sequence.
        final boolean first = firstOnAckPath && dependentSequence == cursor;
        int counter = 0;
        long available;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            if (first) {
                if (counter < FIRST_SPINS) {
                    Thread.onSpinWait();
                } else if (counter < FIRST_SPINS + FIRST_YIELDS) {
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(FIRST_PARK_NS);
                }
            } else if (counter < DOWNSTREAM_SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(downstreamParkNs);
            }
            if (counter < Integer.MAX_VALUE) {
                counter++;
            }
        }
        return available;
    }

    @Override
    public void signalAllWhenBlocking() {
        // Nothing blocks on a condition.
    }
}
