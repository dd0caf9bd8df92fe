package io.tickengine.ml.signal;

/** Retry delays that double from a minimum to a maximum, and start again at the minimum after a success. */
public final class Backoff {
    private final long minMs;
    private final long maxMs;
    private long nextMs;

    public Backoff(final long minMs, final long maxMs) {
        if (minMs <= 0 || maxMs < minMs) {
            throw new IllegalArgumentException("bad backoff [minMs=" + minMs + ", maxMs=" + maxMs + "]");
        }
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.nextMs = minMs;
    }

    /** @return the delay before the next retry; each call doubles the one after it, up to the maximum. */
    public long nextDelayMs() {
        final long delay = nextMs;
        nextMs = Math.min(maxMs, nextMs * 2);
        return delay;
    }

    /** After a success: the next failure waits the minimum again. */
    public void reset() {
        nextMs = minMs;
    }
}
