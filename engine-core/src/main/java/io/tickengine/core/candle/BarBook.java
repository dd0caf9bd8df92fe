package io.tickengine.core.candle;

import static io.tickengine.core.candle.CandleDescriptor.*;

import java.nio.ByteBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The aggregator's open bars: fixed-size slots ({@link CandleDescriptor#LENGTH}) in one off-heap buffer, found by
 * key through a primitive hash map, with a list of live slots and a list of dirty ones. Grows (by doubling) when
 * the number of open bars grows, never per tick. Single-threaded.
 *
 * <p>Two indexes keep the work per tick and per hand-over independent of how many bars are open in all (thousands
 * of symbols times seven timeframes): each symbol's live slots are linked in a list of their own, so a hand-over
 * visits only the bars of the symbols it touched; and the slot a (symbol, timeframe) used last is remembered, so a
 * tick for the same bar as the one before it finds its slot without a hash lookup (a cache miss in a large map).
 */
final class BarBook {
    private static final long MISSING = -1;
    private static final int NO_SLOT = -1;
    /** Room per symbol in {@link #current}: timeframe ordinals fit the key's 4 bits. */
    private static final int TIMEFRAME_SLOTS = 16;

    private final Long2LongHashMap slotsByKey = new Long2LongHashMap(MISSING);
    private UnsafeBuffer bars;
    private int capacity;
    private int[] free;
    private int freeCount;
    private int[] live;
    private int liveCount;
    private int[] dirty;
    private int dirtyCount;
    /** Per slot: the next and previous live slot of the same symbol, or {@link #NO_SLOT}. */
    private int[] nextOfSymbol;

    private int[] previousOfSymbol;
    /** Per symbol id: its first live slot, or {@link #NO_SLOT}. */
    private int[] firstOfSymbol = new int[0];
    /** Per symbol id and timeframe ordinal: the live slot found or created last, or {@link #NO_SLOT}. */
    private int[] current = new int[0];

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
        nextOfSymbol = new int[capacity];
        previousOfSymbol = new int[capacity];
    }

    UnsafeBuffer buffer() {
        return bars;
    }

    static int offset(final int slot) {
        return slot * LENGTH;
    }

    /**
     * @return the slot of the bar of this symbol, timeframe and open time ({@code key} is their
     *     {@link CandleDescriptor#key}), or -1. The same answer as a lookup by key, cheaper when the bar is the
     *     one this symbol and timeframe used last.
     */
    int find(final int symbolId, final int timeframe, final long openTimeMsc, final long key) {
        final int c = symbolId * TIMEFRAME_SLOTS + timeframe;
        if (c < current.length) {
            final int slot = current[c];
            // A remembered slot is live and of this symbol and timeframe (remove forgets it): only the bar can differ.
            if (slot != NO_SLOT && bars.getLong(offset(slot) + OPEN_TIME_OFFSET) == openTimeMsc) {
                return slot;
            }
        }
        final int slot = (int) slotsByKey.get(key);
        if (slot >= 0) {
            remember(c, slot);
        }
        return slot;
    }

    /**
     * Takes a zeroed slot for a new bar of {@code symbolId} and {@code timeframe} and makes it live; the caller writes
     * the bar (its symbol id and timeframe included) before any other call.
     */
    int create(final long key, final int symbolId, final int timeframe) {
        if (freeCount == 0) {
            grow();
        }
        final int slot = free[--freeCount];
        bars.setMemory(offset(slot), LENGTH, (byte) 0);
        slotsByKey.put(key, slot);
        bars.putInt(offset(slot) + LIVE_POSITION_OFFSET, liveCount);
        live[liveCount++] = slot;
        if (symbolId >= firstOfSymbol.length) {
            final int old = firstOfSymbol.length;
            firstOfSymbol = java.util.Arrays.copyOf(firstOfSymbol, Math.max(symbolId + 1, old * 2));
            java.util.Arrays.fill(firstOfSymbol, old, firstOfSymbol.length, NO_SLOT);
        }
        final int first = firstOfSymbol[symbolId];
        nextOfSymbol[slot] = first;
        previousOfSymbol[slot] = NO_SLOT;
        if (first != NO_SLOT) {
            previousOfSymbol[first] = slot;
        }
        firstOfSymbol[symbolId] = slot;
        remember(symbolId * TIMEFRAME_SLOTS + timeframe, slot);
        return slot;
    }

    /** @return the first live slot of the symbol, or -1; the others follow through {@link #nextOfSymbol}. */
    int firstOfSymbol(final int symbolId) {
        return symbolId < firstOfSymbol.length ? firstOfSymbol[symbolId] : NO_SLOT;
    }

    /** @return the live slot of the same symbol after {@code slot}, or -1. */
    int nextOfSymbol(final int slot) {
        return nextOfSymbol[slot];
    }

    private void remember(final int c, final int slot) {
        if (c >= current.length) {
            final int old = current.length;
            current = java.util.Arrays.copyOf(current, Math.max(c + TIMEFRAME_SLOTS, old * 2));
            java.util.Arrays.fill(current, old, current.length, NO_SLOT);
        }
        current[c] = slot;
    }

    /** Frees a live slot. */
    void remove(final int slot) {
        final int offset = offset(slot);
        final int symbolId = bars.getInt(offset + SYMBOL_ID_OFFSET);
        final int timeframe = bars.getInt(offset + TIMEFRAME_OFFSET);
        slotsByKey.remove(key(symbolId, timeframe, bars.getLong(offset + OPEN_TIME_OFFSET)));
        final int c = symbolId * TIMEFRAME_SLOTS + timeframe;
        if (c < current.length && current[c] == slot) {
            current[c] = NO_SLOT;
        }
        final int next = nextOfSymbol[slot];
        final int previous = previousOfSymbol[slot];
        if (previous != NO_SLOT) {
            nextOfSymbol[previous] = next;
        } else {
            firstOfSymbol[symbolId] = next;
        }
        if (next != NO_SLOT) {
            previousOfSymbol[next] = previous;
        }
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
        nextOfSymbol = java.util.Arrays.copyOf(nextOfSymbol, newCapacity);
        previousOfSymbol = java.util.Arrays.copyOf(previousOfSymbol, newCapacity);
        capacity = newCapacity;
    }
}
