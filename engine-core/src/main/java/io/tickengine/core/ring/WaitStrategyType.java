package io.tickengine.core.ring;

import com.lmax.disruptor.TimeoutBlockingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.TimeUnit;

/**
 * How the ring's handler threads wait for work. Every type times out after {@link #IDLE_TIMEOUT_NS} without an event,
 * so that a handler does its idle work ({@code onTimeout}) with nothing published.
 */
public enum WaitStrategyType {
    /**
     * A first handler on the acknowledgement path (the syncer of {@code journal.sync=true}) spins, then yields, then
     * parks briefly: low latency while busy and little CPU while idle; handlers off that path (the aggregator) spin
     * briefly and then park for 200 µs, never yielding. The default, because on a 2-core machine a spinning handler
     * would steal the core the event loop needs. See {@link HandlerWaitStrategy}.
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
    /** How long a handler waits without an event before its {@code onTimeout}. */
    public static final long IDLE_TIMEOUT_NS = 100_000_000L;

    /**
     * @param firstOnAckPath true if the ring's first handler completes acknowledgements.
     * @return a new strategy instance of this type.
     */
    public WaitStrategy create(final boolean firstOnAckPath) {
        if (this == BLOCKING) {
            return new TimeoutBlockingWaitStrategy(IDLE_TIMEOUT_NS, TimeUnit.NANOSECONDS);
        }
        return new HandlerWaitStrategy(this, DOWNSTREAM_PARK_NS, firstOnAckPath, IDLE_TIMEOUT_NS);
    }
}
