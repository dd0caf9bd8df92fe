package io.tickengine.core.candle;

import static io.tickengine.core.candle.CandleDescriptor.*;

import java.nio.ByteBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The aggregator's open bars: fixed-size slots ({@link CandleDescriptor#LENGTH}) in one off-heap buffer, found by
 * key through a primitive hash map, with a list of live slots and a list of dirty ones. Grows (by doubling) when
 * the number of open bars grows, never per tick. Single-threaded.
 */
final class BarBook {
    private static final long MISSING = -1;

    private final Long2LongHashMap slotsByKey = new Long2LongHashMap(MISSING);
    private UnsafeBuffer bars;
    private int capacity;
    private int[] free;
    private int freeCount;
    private int[] live;
    private int liveCount;
    private int[] dirty;
    private int dirtyCount;

    BarBook(final int initialCapacity) {
        capacity = Math.max(16, initialCapacity);
        bars = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity * LENGTH));
        free = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - 1 - i;
        }
        freeCount = capacity;
        live = new int[capacity];
        dirty = new int[capacity];
    }

    UnsafeBuffer buffer() {
        return bars;
    }

    static int offset(final int slot) {
        return slot * LENGTH;
    }

    /** @return the slot of the bar with this key, or -1. */
    int find(final long key) {
        return (int) slotsByKey.get(key);
    }

    /** Takes a zeroed slot for a new bar and makes it live. */
    int create(final long key) {
        if (freeCount == 0) {
            grow();
        }
        final int slot = free[--freeCount];
        bars.setMemory(offset(slot), LENGTH, (byte) 0);
        slotsByKey.put(key, slot);
        bars.putInt(offset(slot) + LIVE_POSITION_OFFSET, liveCount);
        live[liveCount++] = slot;
        return slot;
    }

    /** Frees a live slot. */
    void remove(final int slot) {
        final int offset = offset(slot);
        slotsByKey.remove(key(
                bars.getInt(offset + SYMBOL_ID_OFFSET),
                bars.getInt(offset + TIMEFRAME_OFFSET),
                bars.getLong(offset + OPEN_TIME_OFFSET)));
        final int position = bars.getInt(offset + LIVE_POSITION_OFFSET);
        final int moved = live[--liveCount];
        live[position] = moved;
        bars.putInt(offset(moved) + LIVE_POSITION_OFFSET, position);
        bars.putInt(offset + FLAGS_OFFSET, 0);
        free[freeCount++] = slot;
    }

    int liveCount() {
        return liveCount;
    }

    int live(final int position) {
        return live[position];
    }

    /** Flags a slot dirty, listing it once. */
    void markDirty(final int slot) {
        final int flagsOffset = offset(slot) + FLAGS_OFFSET;
        final int flags = bars.getInt(flagsOffset);
        if ((flags & FLAG_DIRTY) == 0) {
            bars.putInt(flagsOffset, flags | FLAG_DIRTY);
            if (dirtyCount == dirty.length) {
                // A freed slot may still be listed (skipped when read): the list can outgrow the slot count.
                dirty = java.util.Arrays.copyOf(dirty, dirtyCount * 2);
            }
            dirty[dirtyCount++] = slot;
        }
    }

    boolean isDirty(final int slot) {
        return (bars.getInt(offset(slot) + FLAGS_OFFSET) & FLAG_DIRTY) != 0;
    }

    void clearDirty(final int slot) {
        final int flagsOffset = offset(slot) + FLAGS_OFFSET;
        bars.putInt(flagsOffset, bars.getInt(flagsOffset) & ~FLAG_DIRTY);
    }

    /** Flags a slot to be rebuilt from the stored ticks instead of written ({@link CandleDescriptor#FLAG_REBUILD}). */
    void markRebuild(final int slot) {
        final int flagsOffset = offset(slot) + FLAGS_OFFSET;
        bars.putInt(flagsOffset, bars.getInt(flagsOffset) | FLAG_REBUILD);
    }

    boolean isRebuild(final int slot) {
        return (bars.getInt(offset(slot) + FLAGS_OFFSET) & FLAG_REBUILD) != 0;
    }

    int dirtyCount() {
        return dirtyCount;
    }

    int dirty(final int position) {
        return dirty[position];
    }

    /** Drops the first {@code n} entries of the dirty list (handled), keeping the rest in order. */
    void consumeDirty(final int n) {
        System.arraycopy(dirty, n, dirty, 0, dirtyCount - n);
        dirtyCount -= n;
    }

    private void grow() {
        final int newCapacity = capacity * 2;
        final UnsafeBuffer larger = new UnsafeBuffer(ByteBuffer.allocateDirect(newCapacity * LENGTH));
        larger.putBytes(0, bars, 0, capacity * LENGTH);
        bars = larger;
        final int[] newFree = new int[newCapacity];
        for (int i = 0; i < newCapacity - capacity; i++) {
            newFree[i] = newCapacity - 1 - i;
        }
        free = newFree;
        freeCount = newCapacity - capacity;
        live = java.util.Arrays.copyOf(live, newCapacity);
        dirty = java.util.Arrays.copyOf(dirty, Math.max(dirty.length, newCapacity));
        capacity = newCapacity;
    }
}
