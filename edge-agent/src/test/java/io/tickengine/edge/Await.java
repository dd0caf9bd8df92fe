package io.tickengine.edge;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits on a condition with a deadline, polling every millisecond: no sleeps that guess how long things take. */
final class Await {
    private Await() {}

    static void until(final BooleanSupplier condition, final Duration timeout, final Supplier<String> whatFailed) {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + whatFailed.get());
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }
}
