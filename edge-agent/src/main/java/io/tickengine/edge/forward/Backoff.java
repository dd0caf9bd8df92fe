package io.tickengine.edge.forward;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the n-th consecutive failure waits a random time between half and all of
 * {@code min * 2^(n-1)}, capped at {@code max}. The jitter keeps many agents that lost the same engine from
 * returning in lockstep. One thread.
 */
final class Backoff {
    private final long minMs;
    private final long maxMs;
    private int failures;

    Backoff(final long minMs, final long maxMs) {
        this.minMs = minMs;
        this.maxMs = maxMs;
    }

    /** @return the delay before the next attempt, after one more failure. */
    long nextDelayMs() {
        final int shift = Math.min(failures, 30);
        failures++;
        final long ceiling = Math.min(maxMs, minMs << shift);
        final long half = ceiling / 2;
        return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
    }

    /** @return consecutive failures so far. */
    int failures() {
        return failures;
    }

    /** Forgets the failures after a success. */
    void reset() {
        failures = 0;
    }
}
