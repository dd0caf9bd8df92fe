package io.tickengine.edge.forward;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters and the latest outcome of forwarding, written by the forwarder thread and read by {@code /health}.
 * Thread-safe.
 */
public final class ForwardStats {
    /** The window of {@link #ratePerSecond(long)}. */
    static final long RATE_WINDOW_NS = 10_000_000_000L;

    /** Ticks the engine acknowledged (journaled or already had). */
    public final AtomicLong forwarded = new AtomicLong();
    /** Ticks the engine reported as duplicates: resent after a crash or a lost answer, and dropped there. */
    public final AtomicLong duplicates = new AtomicLong();
    /** Ticks moved to quarantine by this process. */
    public final AtomicLong quarantined = new AtomicLong();
    /** Batches acknowledged. */
    public final AtomicLong batches = new AtomicLong();
    /** Failed attempts (no answer, 429, 5xx, refused). */
    public final AtomicLong failures = new AtomicLong();

    private volatile long lastSuccessMsc;
    private volatile long lastErrorMsc;
    private volatile String lastError;
    /** (time, forwarded) samples inside the rate window, oldest first. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    void onForwarded(final int ticks, final int duplicateTicks, final long nowMsc, final long nowNs) {
        final long total = forwarded.addAndGet(ticks);
        duplicates.addAndGet(duplicateTicks);
        batches.incrementAndGet();
        lastSuccessMsc = nowMsc;
        synchronized (samples) {
            if (samples.isEmpty()) {
                // The window starts where this batch started, as far as we know: at the previous total.
                samples.addLast(new long[] {nowNs, total - ticks});
            }
            samples.addLast(new long[] {nowNs, total});
            trim(nowNs);
        }
    }

    void onFailure(final String error, final long nowMsc) {
        failures.incrementAndGet();
        lastError = error;
        lastErrorMsc = nowMsc;
    }

    /** @return ticks per second acknowledged over the last ten seconds; 0 when idle. */
    public double ratePerSecond(final long nowNs) {
        synchronized (samples) {
            trim(nowNs);
            if (samples.size() < 2) {
                return 0;
            }
            final long[] first = samples.peekFirst();
            final long[] last = samples.peekLast();
            final long spanNs = Math.max(nowNs - first[0], 1_000_000_000L);
            return (last[1] - first[1]) * 1e9 / spanNs;
        }
    }

    /** @return when the engine last acknowledged a batch, 0 if not since start. */
    public long lastSuccessMsc() {
        return lastSuccessMsc;
    }

    /** @return when forwarding last failed, 0 if not since start. */
    public long lastErrorMsc() {
        return lastErrorMsc;
    }

    /** @return the last failure, or {@code null}. */
    public String lastError() {
        return lastError;
    }

    private void trim(final long nowNs) {
        while (samples.size() > 1 && nowNs - samples.peekFirst()[0] > RATE_WINDOW_NS) {
            samples.removeFirst();
        }
        if (samples.size() == 1 && nowNs - samples.peekFirst()[0] > RATE_WINDOW_NS) {
            samples.clear();
        }
    }
}
