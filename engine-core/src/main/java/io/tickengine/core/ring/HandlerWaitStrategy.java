package io.tickengine.core.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.locks.LockSupport;

/**
 * How the ring's handlers wait, for every {@link WaitStrategyType} but {@code BLOCKING}, with a timeout: a handler
 * that has waited {@code timeoutNs} without an event is told ({@code onTimeout}), so it can do its idle work (the
 * aggregator hands over held bars and closes the bars of silent symbols) without anyone publishing into the ring.
 *
 * <p>{@link WaitStrategyType#SLEEPING} backs off by the handler's place:
 * <ul>
 *   <li>the first handler, when it is on the acknowledgement path (the group-commit syncer of {@code journal.sync}):
 *       spins, then yields, then parks for the shortest time, as Disruptor's {@code SleepingWaitStrategy} does;
 *   <li>handlers off that path (the aggregator) only feed the store, which commits every 100 ms: they spin briefly,
 *       then park for {@code downstreamParkNs} without yielding, and after {@link #DOWNSTREAM_SHORT_PARKS} such parks
 *       for {@link #DOWNSTREAM_IDLE_PARK_NS}, so that an idle engine wakes a few dozen times a second, not
 *       thousands. A wait that goes on after a timeout ({@code onTimeout} done, still no event) starts with the long
 *       parks; the ring wakes its handlers each time an eighth of it is published, so a burst after a long park
 *       cannot fill the ring behind a sleeping aggregator. On 2 cores the yield phase was pure cost: a profile of single-tick ingest showed the aggregator
 *       using as much CPU as the journal thread, most of it in {@code sched_yield}.
 * </ul>
 * {@code YIELDING} spins, then yields; {@code BUSY_SPIN} only spins. Never blocks a publisher: nothing is signalled on
 * publish.
 */
final class HandlerWaitStrategy implements WaitStrategy {
    private static final int SPINS = 100;
    private static final int FIRST_YIELDS = 100;
    private static final long FIRST_PARK_NS = 100;
    /** Short parks of a handler off the acknowledgement path before it parks longer. */
    static final int DOWNSTREAM_SHORT_PARKS = 10;
    /** The longer park of an idle handler off the acknowledgement path. */
    static final long DOWNSTREAM_IDLE_PARK_NS = 20_000_000L;

    private final WaitStrategyType type;
    private final long downstreamParkNs;
    private final boolean firstOnAckPath;
    private final long timeoutNs;
    /**
     * The sequence a handler off the acknowledgement path last timed out waiting for. Handlers off that path share
     * it; a stale value only changes how long one wait parks first.
     */
    private long timedOutAt = -1;

    /**
     * @param downstreamParkNs how long a {@code SLEEPING} handler off the acknowledgement path parks at a time.
     * @param firstOnAckPath true if the first handler answers requests (then it waits the short way).
     * @param timeoutNs how long a handler waits for an event before it is told of the timeout.
     */
    HandlerWaitStrategy(
            final WaitStrategyType type,
            final long downstreamParkNs,
            final boolean firstOnAckPath,
            final long timeoutNs) {
        this.type = type;
        this.downstreamParkNs = downstreamParkNs;
        this.firstOnAckPath = firstOnAckPath;
        this.timeoutNs = timeoutNs;
    }

    @Override
    public long waitFor(
            final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
            throws AlertException, TimeoutException {
        // Disruptor hands the first handler's barrier the cursor itself as its dependent sequence.
        final boolean shortWait = type != WaitStrategyType.SLEEPING || (firstOnAckPath && dependentSequence == cursor);
        // Still idle after a timeout: straight to the long parks (the first event of a burst waits at most one).
        int counter = !shortWait && sequence == timedOutAt ? SPINS + DOWNSTREAM_SHORT_PARKS : 0;
        long deadlineNs = 0;
        long available;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            if (counter < SPINS) {
                Thread.onSpinWait();
            } else {
                // Past the first spins only: an event that is about to come costs no clock read.
                final long nowNs = System.nanoTime();
                if (deadlineNs == 0) {
                    deadlineNs = nowNs + timeoutNs;
                } else if (nowNs - deadlineNs >= 0) {
                    if (!shortWait) {
                        timedOutAt = sequence;
                    }
                    throw TimeoutException.INSTANCE;
                }
                pause(shortWait, counter);
            }
            if (counter < Integer.MAX_VALUE) {
                counter++;
            }
        }
        return available;
    }

    private void pause(final boolean shortWait, final int counter) {
        switch (type) {
            case BUSY_SPIN -> Thread.onSpinWait();
            case YIELDING -> Thread.yield();
            default -> {
                if (!shortWait) {
                    LockSupport.parkNanos(
                            counter < SPINS + DOWNSTREAM_SHORT_PARKS ? downstreamParkNs : DOWNSTREAM_IDLE_PARK_NS);
                } else if (counter < SPINS + FIRST_YIELDS) {
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(FIRST_PARK_NS);
                }
            }
        }
    }

    @Override
    public void signalAllWhenBlocking() {
        // Nothing blocks on a condition.
    }
}
