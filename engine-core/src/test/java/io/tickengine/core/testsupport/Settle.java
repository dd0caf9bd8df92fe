package io.tickengine.core.testsupport;

import io.tickengine.core.TickEngine;
import java.util.concurrent.locks.LockSupport;

/** Waits, with a timeout, until a running engine has put everything it journaled into its store. */
public final class Settle {
    private Settle() {}

    /**
     * Returns once the candles of every journaled record are committed, every journaled tick is in the tick store and
     * no bar waits to be rebuilt.
     *
     * @throws AssertionError naming what is behind after {@code timeoutMs}.
     */
    public static void await(final TickEngine engine, final long timeoutMs) throws Exception {
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        String behind;
        while ((behind = behind(engine)) != null) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("engine did not settle in " + timeoutMs + " ms: " + behind);
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }

    private static String behind(final TickEngine engine) throws Exception {
        final long last = engine.journal().lastIndex();
        final var m = engine.metrics();
        if (m.writerBacklog.get() > 0 || m.committedJournalIndex.get() < last) {
            return "candles [committed=" + m.committedJournalIndex.get() + ", last=" + last + "]";
        }
        if (engine.tickStoreIndex() < last) {
            return "tick store [committed=" + engine.tickStoreIndex() + ", last=" + last + "]";
        }
        final long pending = engine.store().pendingRebuilds();
        if (pending > 0) {
            return "rebuilds [pending=" + pending + "]";
        }
        // After the store said none is pending: a rebuild that just committed counts its bars before it stops working.
        return engine.isRebuilding() ? "rebuilds [counting]" : null;
    }
}
