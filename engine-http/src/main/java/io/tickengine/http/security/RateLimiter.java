package io.tickengine.http.security;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A token bucket per API key: {@code ratePerSecond} requests a second, bursts of up to {@code burst}. Lock-free;
 * any event loop may call {@link #tryAcquire}. A rate of 0 disables limiting.
 */
public final class RateLimiter {
    private static final long NS_PER_SECOND = 1_000_000_000L;

    private final double ratePerSecond;
    private final long burst;
    /** Per key: the theoretical arrival time (ns) of its next request, GCRA's equivalent of a bucket level. */
    private final AtomicLongArray theoreticalArrivalNs;

    private final long nsPerToken;

    public RateLimiter(final int keys, final double ratePerSecond, final long burst) {
        this.ratePerSecond = ratePerSecond;
        this.burst = Math.max(1, burst);
        this.theoreticalArrivalNs = new AtomicLongArray(Math.max(1, keys));
        this.nsPerToken = ratePerSecond > 0 ? (long) (NS_PER_SECOND / ratePerSecond) : 0;
        final long nowNs = System.nanoTime();
        for (int i = 0; i < theoreticalArrivalNs.length(); i++) {
            theoreticalArrivalNs.set(i, nowNs);
        }
    }

    /** @return true if limiting is on. */
    public boolean isEnabled() {
        return ratePerSecond > 0;
    }

    /**
     * Takes one token from key {@code keyIndex}'s bucket.
     *
     * @return 0 if allowed, else how many nanoseconds until a token is available.
     */
    public long tryAcquire(final int keyIndex, final long nowNs) {
        if (nsPerToken == 0 || keyIndex >= theoreticalArrivalNs.length()) {
            return 0;
        }
        while (true) {
            // GCRA: a request conforms when the bucket's theoretical arrival time, after it, is at most
            // `burst` tokens ahead of now.
            final long tat = theoreticalArrivalNs.get(keyIndex);
            final long next = Math.max(tat, nowNs) + nsPerToken;
            final long allowedAtNs = next - burst * nsPerToken;
            if (allowedAtNs - nowNs > 0) {
                return allowedAtNs - nowNs;
            }
            if (theoreticalArrivalNs.compareAndSet(keyIndex, tat, next)) {
                return 0;
            }
        }
    }
}
