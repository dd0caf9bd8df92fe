package io.tickengine.core.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

/** How the ring's handler threads wait for work. */
public enum WaitStrategyType {
    /**
     * A first handler on the acknowledgement path (the syncer of {@code journal.sync=true}) spins, then yields, then
     * parks briefly: low latency while busy and little CPU while idle; handlers off that path (the aggregator) spin
     * briefly and then park for 200 µs, never yielding. The
     * default, because on a 2-core machine a spinning handler would steal the core the event loop needs. See
     * {@link StagedSleepingWaitStrategy}.
     */
    SLEEPING,
    /** Lock and condition: the least CPU, the most latency. */
    BLOCKING,
    /** Spin then yield: low latency, one core per handler while idle. Only with cores to spare. */
    YIELDING,
    /** Pure spin: the lowest latency, one whole core per handler. Only on dedicated, isolated cores. */
    BUSY_SPIN;

    /** How long the aggregator parks when idle under {@link #SLEEPING}. */
    private static final long DOWNSTREAM_PARK_NS = 200_000L;

    /**
     * @param firstOnAckPath true if the ring's first handler completes acknowledgements.
     * @return a new strategy instance of this type.
     */
    public WaitStrategy create(final boolean firstOnAckPath) {
        switch (this) {
            case BLOCKING:
                return new BlockingWaitStrategy();
            case YIELDING:
                return new YieldingWaitStrategy();
            case BUSY_SPIN:
                return new BusySpinWaitStrategy();
            case SLEEPING:
            default:
                return new StagedSleepingWaitStrategy(DOWNSTREAM_PARK_NS, firstOnAckPath);
        }
    }
}
