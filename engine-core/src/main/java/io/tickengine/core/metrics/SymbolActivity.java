package io.tickengine.core.metrics;

import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Per-symbol tick count and newest tick time for the first {@code capacity} symbol ids (ids are given in order of
 * first appearance, so these are the first symbols the engine saw): a bounded set, so an exporter's label
 * cardinality stays bounded however many symbols arrive. Symbols past the capacity are not tracked.
 *
 * <p>One slot per symbol id in an off-heap buffer:
 *
 * <pre>
 *   0 ticks journaled (int64) | 8 newest tick time, epoch ms (int64, {@link Long#MIN_VALUE} = none)
 * </pre>
 *
 * <p>Threading: {@link #onTick} is called by one thread at a time (under the ingest gate's lock) and stores with release semantics;
 * any thread may read.
 */
public final class SymbolActivity {
    private static final int TICKS_OFFSET = 0;
    private static final int NEWEST_TIME_OFFSET = 8;
    private static final int SLOT_LENGTH = 16;

    private final int capacity;
    private final UnsafeBuffer slots;

    /** @param capacity how many symbol ids to track, {@code >= 0}. */
    public SymbolActivity(final int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative [capacity=" + capacity + "]");
        }
        this.capacity = capacity;
        this.slots = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(1, capacity) * SLOT_LENGTH));
        for (int id = 0; id < capacity; id++) {
            slots.putLong(id * SLOT_LENGTH + NEWEST_TIME_OFFSET, Long.MIN_VALUE);
        }
    }

    /** @return how many symbol ids are tracked. */
    public int capacity() {
        return capacity;
    }

    /** Counts one journaled tick of a symbol. Journal handler thread only; allocates nothing. */
    public void onTick(final int symbolId, final long timeMsc) {
        if (symbolId < 0 || symbolId >= capacity) {
            return;
        }
        final int o = symbolId * SLOT_LENGTH;
        slots.putLongRelease(o + TICKS_OFFSET, slots.getLong(o + TICKS_OFFSET) + 1);
        if (timeMsc > slots.getLong(o + NEWEST_TIME_OFFSET)) {
            slots.putLongRelease(o + NEWEST_TIME_OFFSET, timeMsc);
        }
    }

    /** @return ticks journaled for the symbol since start, 0 if untracked. Any thread. */
    public long ticks(final int symbolId) {
        return symbolId < 0 || symbolId >= capacity ? 0 : slots.getLongVolatile(symbolId * SLOT_LENGTH + TICKS_OFFSET);
    }

    /** @return the newest tick time (epoch ms) journaled for the symbol, {@link Long#MIN_VALUE} if none. Any thread. */
    public long newestTimeMsc(final int symbolId) {
        return symbolId < 0 || symbolId >= capacity
                ? Long.MIN_VALUE
                : slots.getLongVolatile(symbolId * SLOT_LENGTH + NEWEST_TIME_OFFSET);
    }
}
