package io.tickengine.core.candle;

import static io.tickengine.core.candle.CandleDescriptor.*;

import java.util.Arrays;
import org.agrona.BufferUtil;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The aggregator's open bars: fixed-size slots ({@link CandleDescriptor#LENGTH}) in one off-heap buffer, with a
 * list of live slots and a list of dirty ones. Grows (by doubling) when symbols or open bars are added, never per
 * tick. Single-threaded: every method runs on the aggregator's thread.
 *
 * <p>The slots come in blocks of {@link #BLOCK_SLOTS}. Each symbol owns one block, the first time it opens a bar,
 * and keeps it: each timeframe has three places in it ({@link #slotOf}). A timeframe's current bar, the one before
 * it (open for the late window) and, for a moment, the one before that (final, freed at the next hand-over; with the
 * default one-minute window an M1 bar is final only two minutes after it opened) take turns in the three, so a tick
 * (or a fold of its M1 bar into the longer ones) finds the bars it updates with no hash lookup, and a bar opens and
 * closes without touching a hash map. Only a fourth open bar of one symbol and timeframe (a late window longer than
 * the bar, a tick for an older bar, a writer too slow to take the final ones) takes a slot of a shared overflow block
 * and is found by key through a primitive hash map.
 *
 * <p>Blocks are laid out in groups of eight: the M1 places of the group's eight symbols side by side (3 KiB), then
 * each symbol's places of the longer timeframes (2.6 KiB each). A tick in time touches its symbol's M1 bar only, so
 * over thousands of symbols those bars lie in an eighth of the pages they would in blocks of their own; a fold
 * touches the symbol's longer bars, which stay together.
 *
 * <pre>
 *   group of 8 blocks (192 slots of 128 bytes, aligned):
 *   | M1 M1' M1'' of block 0 | ... of block 7 | M5 M15 M30 H1 H4 D1 W1, M5' ... W1', M5'' ... W1'' of block 0 | ...
 * </pre>
 *
 * A free slot of a symbol's block holds {@link #FREE} as its open time. Each symbol's live slots are also linked in
 * a list of their own, so a hand-over visits only the bars of the symbols it touched.
 *
 * <p>The open time of each timeframe's current bar is also kept beside the symbol ({@link #currentOpen}, one cache
 * line for all its timeframes), and the dirty flags in an array of their own: a tick in time order then reads and
 * writes only the first cache line of each bar it updates ({@link CandleDescriptor}). What of each bar is already
 * folded into the longer timeframes' bars is kept apart too ({@link #folded}), read at a hand-over only; a fold of a
 * bar whose first tick is unchanged writes only the first line of each longer bar.
 */
final class BarBook {
    /** Timeframes that are built from ticks: ordinals below this. */
    private static final int TIMEFRAMES = 8;
    /** Places of a timeframe in a symbol's block. */
    private static final int PLACES = 3;
    /** Slots per block: three places for each timeframe built from ticks. */
    static final int BLOCK_SLOTS = TIMEFRAMES * PLACES;
    /** Blocks are laid out in groups of this many ({@link #slotOf}). */
    private static final int GROUP = 8;

    private static final int GROUP_SLOTS = GROUP * BLOCK_SLOTS;
    /** The M1 places of a group's blocks, side by side at the start of the group. */
    private static final int GROUP_BASE_SLOTS = GROUP * PLACES;
    /** The places of a block's longer timeframes. */
    private static final int LONGER_SLOTS = BLOCK_SLOTS - PLACES;
    /** The open time of a free slot of a symbol's block: no bar opens then. */
    private static final long FREE = Long.MIN_VALUE;

    private static final int FOLDED_TICKS_OFFSET = 0;
    private static final int FOLDED_REAL_OFFSET = 8;
    private static final int FOLDED_FIRST_TIME_OFFSET = 16;
    private static final int FOLDED_FIRST_ORDER_OFFSET = 24;
    private static final int FOLD_LENGTH = 32;
    private static final byte DIRTY = 1;
    private static final byte TO_FOLD = 2;
    private static final long MISSING = -1;
    private static final int NO_SLOT = -1;
    private static final int NO_BLOCK = -1;
    /**
     * Per symbol, side by side in {@link #symbolState}: its block, its overflow bar count, its first live slot and
     * each timeframe's current place ({@link #PLACE_BITS} bits per timeframe).
     */
    private static final int STATE_BLOCK = 0;

    private static final int STATE_OVERFLOW = 1;
    private static final int STATE_FIRST = 2;
    private static final int STATE_CURRENT = 3;
    private static final int STATE_STRIDE = 4;
    /** Bits of a timeframe's current place in {@link #STATE_CURRENT}: places 0 to 2. */
    private static final int PLACE_BITS = 2;

    private static final int PLACE_MASK = (1 << PLACE_BITS) - 1;

    /** Overflow bars only, by {@link CandleDescriptor#key}. */
    private final Long2LongHashMap overflowByKey = new Long2LongHashMap(MISSING);

    private UnsafeBuffer bars;
    private int blockCapacity;
    private int blocksUsed;
    private int[] overflowFree = new int[BLOCK_SLOTS];
    private int overflowFreeCount;
    private int overflowSlots;
    private int[] live;
    private int liveCount;
    private int[] dirty;
    private int dirtyCount;
    /** Per slot: the next and previous live slot of the same symbol, or {@link #NO_SLOT}. */
    private int[] nextOfSymbol;

    private int[] previousOfSymbol;
    private int[] symbolState = new int[0];
    /**
     * Per symbol and timeframe ({@code symbolId * TIMEFRAMES + timeframe}): the open time of the bar in its current
     * place, or {@link #FREE} when that place holds none.
     */
    private long[] currentOpen = new long[0];
    /**
     * Per slot: {@link #DIRTY} if changed since last handed over ({@link #markDirty}), {@link #TO_FOLD} if a base
     * bar changed since last folded into the longer timeframes ({@link #markDirtyToFold}).
     */
    private byte[] dirtyFlag;
    /** The base bars changed since the last fold, each listed once ({@link #markDirtyToFold}). */
    private int[] toFold = new int[BLOCK_SLOTS];

    private int toFoldCount;
    /**
     * Per slot, {@link #FOLD_LENGTH} bytes (one cache line holds the whole of a slot's): what of the bar is already
     * folded into the bars of the longer timeframes, its tick and real volume and its first tick's time and order
     * ({@link #folded}); read and written at a hand-over only, never per tick.
     */
    private UnsafeBuffer folds;

    /** @param initialCapacity the number of open bars to make room for at first. */
    BarBook(final int initialCapacity) {
        // Whole groups of blocks.
        blockCapacity = Math.max(1, (initialCapacity + GROUP_SLOTS - 1) / GROUP_SLOTS) * GROUP;
        final int slots = blockCapacity * BLOCK_SLOTS;
        bars = new UnsafeBuffer(allocate(slots));
        live = new int[slots];
        dirty = new int[slots];
        nextOfSymbol = new int[slots];
        previousOfSymbol = new int[slots];
        dirtyFlag = new byte[slots];
        folds = new UnsafeBuffer(BufferUtil.allocateDirectAligned(slots * FOLD_LENGTH, FOLD_LENGTH));
    }

    UnsafeBuffer buffer() {
        return bars;
    }

    static int offset(final int slot) {
        return slot * LENGTH;
    }

    /**
     * The common case first: the slot of the symbol's bar of {@code timeframe} found or opened last in its block, if
     * that bar holds {@code timeMsc}. No line of the bar read and no division: a tick that falls in the bar its
     * symbol's last tick updated (nearly every tick, whatever the place the bar has in the block) needs neither the
     * bar's open time worked out nor a look at the other places. A bar holds exactly the times
     * {@code [open, open + duration)}, so a hit is the bar {@link #find} would give for the tick's open time.
     *
     * @return the slot, or -1: then work out the open time and {@link #find} the bar.
     */
    int findCurrent(final int symbolId, final int timeframe, final long timeMsc, final long durationMsc) {
        final int c = symbolId * TIMEFRAMES + timeframe;
        if (c >= currentOpen.length) {
            return NO_SLOT;
        }
        final long openTimeMsc = currentOpen[c];
        // Unsigned: the distance of two longs, openTimeMsc <= timeMsc, may not fit a signed long.
        if (openTimeMsc == FREE
                || openTimeMsc > timeMsc
                || Long.compareUnsigned(timeMsc - openTimeMsc, durationMsc) >= 0) {
            return NO_SLOT;
        }
        final int s = symbolId * STATE_STRIDE;
        return slotOf(symbolState[s + STATE_BLOCK], currentPlace(s, timeframe), timeframe);
    }

    /**
     * @return the slot of a place of a timeframe in a block: in groups of {@link #GROUP} blocks, first the M1 places
     *     of the group's blocks, then each block's places of the longer timeframes (the class comment).
     */
    static int slotOf(final int block, final int place, final int timeframe) {
        final int group = block / GROUP * GROUP_SLOTS;
        final int inGroup = block % GROUP;
        return timeframe == 0
                ? group + inGroup * PLACES + place
                : group + GROUP_BASE_SLOTS + inGroup * LONGER_SLOTS + place * (TIMEFRAMES - 1) + timeframe - 1;
    }

    /** @return the place of a slot of a symbol's block ({@link #slotOf}); any value for an overflow slot. */
    private static int placeOf(final int slot) {
        final int inGroup = slot % GROUP_SLOTS;
        return inGroup < GROUP_BASE_SLOTS
                ? inGroup % PLACES
                : (inGroup - GROUP_BASE_SLOTS) % LONGER_SLOTS / (TIMEFRAMES - 1);
    }

    /** @return the place (0 to 2) of the timeframe's current bar in the block of the symbol at {@code s}. */
    private int currentPlace(final int s, final int timeframe) {
        return (symbolState[s + STATE_CURRENT] >>> (timeframe * PLACE_BITS)) & PLACE_MASK;
    }

    /** @return the block of the symbol whose entries start at {@code s} in {@link #symbolState}, or -1 for none. */
    private int blockOf(final int s) {
        return s < symbolState.length ? symbolState[s + STATE_BLOCK] : NO_BLOCK;
    }

    /**
     * @return the slot of the bar of this symbol, timeframe and open time ({@code key} is their
     *     {@link CandleDescriptor#key}), or -1. A bar found in the symbol's block becomes its timeframe's current one
     *     ({@link #findCurrent}).
     */
    int find(final int symbolId, final int timeframe, final long openTimeMsc, final long key) {
        final int s = symbolId * STATE_STRIDE;
        final int block = blockOf(s);
        if (block == NO_BLOCK) {
            return NO_SLOT;
        }
        for (int place = 0; place < PLACES; place++) {
            final int slot = slotOf(block, place, timeframe);
            if (bars.getLong(offset(slot) + OPEN_TIME_OFFSET) == openTimeMsc) {
                setCurrent(symbolId, s, timeframe, place, openTimeMsc);
                return slot;
            }
        }
        return symbolState[s + STATE_OVERFLOW] == 0 ? NO_SLOT : (int) overflowByKey.get(key);
    }

    private void setCurrent(
            final int symbolId, final int s, final int timeframe, final int place, final long openTimeMsc) {
        final int shift = timeframe * PLACE_BITS;
        symbolState[s + STATE_CURRENT] = (symbolState[s + STATE_CURRENT] & ~(PLACE_MASK << shift)) | (place << shift);
        currentOpen[symbolId * TIMEFRAMES + timeframe] = openTimeMsc;
    }

    /**
     * Takes a zeroed slot for a new bar of {@code symbolId}, {@code timeframe} and {@code openTimeMsc} (no bar of
     * that key is live) and makes it live; the caller writes the bar (its symbol id, timeframe and that open time
     * included) before any other call. May grow the buffer: read {@link #buffer()} after. A bar opened in the
     * symbol's block becomes its timeframe's current one ({@link #findCurrent}).
     */
    int create(final long key, final int symbolId, final int timeframe, final long openTimeMsc) {
        if (timeframe < 0 || timeframe >= TIMEFRAMES) {
            throw new IllegalArgumentException("timeframe not built from ticks [timeframe=" + timeframe + "]");
        }
        final int s = ensureBlock(symbolId);
        final int block = symbolState[s + STATE_BLOCK];
        int place = 0;
        int slot = slotOf(block, place, timeframe);
        while (bars.getLong(offset(slot) + OPEN_TIME_OFFSET) != FREE && ++place < PLACES) {
            slot = slotOf(block, place, timeframe);
        }
        if (place < PLACES) {
            setCurrent(symbolId, s, timeframe, place, openTimeMsc);
        } else {
            if (overflowFreeCount == 0) {
                addOverflowBlock();
            }
            slot = overflowFree[--overflowFreeCount];
            overflowByKey.put(key, slot);
            symbolState[s + STATE_OVERFLOW]++;
        }
        // Sixteen stores, not setMemory: that is a call into the VM, dearer than the bar it clears.
        for (int i = 0; i < LENGTH; i += Long.BYTES) {
            bars.putLong(offset(slot) + i, 0L);
        }
        folds.putLong(slot * FOLD_LENGTH + FOLDED_TICKS_OFFSET, 0L);
        folds.putDouble(slot * FOLD_LENGTH + FOLDED_REAL_OFFSET, 0.0);
        bars.putInt(offset(slot) + LIVE_POSITION_OFFSET, liveCount);
        live[liveCount++] = slot;
        final int first = symbolState[s + STATE_FIRST];
        nextOfSymbol[slot] = first;
        previousOfSymbol[slot] = NO_SLOT;
        if (first != NO_SLOT) {
            previousOfSymbol[first] = slot;
        }
        symbolState[s + STATE_FIRST] = slot;
        return slot;
    }

    /** @return the first live slot of the symbol, or -1; the others follow through {@link #nextOfSymbol}. */
    int firstOfSymbol(final int symbolId) {
        final int s = symbolId * STATE_STRIDE;
        return s < symbolState.length ? symbolState[s + STATE_FIRST] : NO_SLOT;
    }

    /** @return the live slot of the same symbol after {@code slot}, or -1. */
    int nextOfSymbol(final int slot) {
        return nextOfSymbol[slot];
    }

    /** Frees a live slot. */
    void remove(final int slot) {
        final int offset = offset(slot);
        final int symbolId = bars.getInt(offset + SYMBOL_ID_OFFSET);
        final int s = symbolId * STATE_STRIDE;
        final int block = symbolState[s + STATE_BLOCK];
        final int timeframe = bars.getInt(offset + TIMEFRAME_OFFSET);
        final int place = placeOf(slot);
        if (slotOf(block, place, timeframe) == slot) {
            bars.putLong(offset + OPEN_TIME_OFFSET, FREE);
            if (currentPlace(s, timeframe) == place) {
                currentOpen[symbolId * TIMEFRAMES + timeframe] = FREE;
            }
        } else {
            overflowByKey.remove(key(symbolId, timeframe, bars.getLong(offset + OPEN_TIME_OFFSET)));
            symbolState[s + STATE_OVERFLOW]--;
            overflowFree[overflowFreeCount++] = slot;
        }
        final int next = nextOfSymbol[slot];
        final int previous = previousOfSymbol[slot];
        if (previous != NO_SLOT) {
            nextOfSymbol[previous] = next;
        } else {
            symbolState[s + STATE_FIRST] = next;
        }
        if (next != NO_SLOT) {
            previousOfSymbol[next] = previous;
        }
        final int position = bars.getInt(offset + LIVE_POSITION_OFFSET);
        final int moved = live[--liveCount];
        live[position] = moved;
        bars.putInt(offset(moved) + LIVE_POSITION_OFFSET, position);
        bars.putInt(offset + FLAGS_OFFSET, 0);
        dirtyFlag[slot] = 0;
    }

    /** @return the tick volume of the bar at {@code slot} already folded into the longer timeframes' bars. */
    long foldedTickVolume(final int slot) {
        return folds.getLong(slot * FOLD_LENGTH + FOLDED_TICKS_OFFSET);
    }

    /** @return the real volume of the bar at {@code slot} already folded into the longer timeframes' bars. */
    double foldedRealVolume(final int slot) {
        return folds.getDouble(slot * FOLD_LENGTH + FOLDED_REAL_OFFSET);
    }

    /**
     * @return true if the bar at {@code slot} was folded before with this first tick: then its open and its first
     *     tick are in the longer bars already.
     */
    boolean foldedFirst(final int slot, final long firstTimeMsc, final long firstOrder) {
        final int o = slot * FOLD_LENGTH;
        return folds.getLong(o + FOLDED_TICKS_OFFSET) != 0
                && folds.getLong(o + FOLDED_FIRST_TIME_OFFSET) == firstTimeMsc
                && folds.getLong(o + FOLDED_FIRST_ORDER_OFFSET) == firstOrder;
    }

    /** Records that the bar at {@code slot} is folded into the longer timeframes' bars as it is now. */
    void folded(
            final int slot,
            final long tickVolume,
            final double realVolume,
            final long firstTimeMsc,
            final long firstOrder) {
        final int o = slot * FOLD_LENGTH;
        folds.putLong(o + FOLDED_TICKS_OFFSET, tickVolume);
        folds.putDouble(o + FOLDED_REAL_OFFSET, realVolume);
        folds.putLong(o + FOLDED_FIRST_TIME_OFFSET, firstTimeMsc);
        folds.putLong(o + FOLDED_FIRST_ORDER_OFFSET, firstOrder);
    }

    int liveCount() {
        return liveCount;
    }

    int live(final int position) {
        return live[position];
    }

    /** @return the number of open bars held in overflow slots, for tests. */
    int overflowBars() {
        return overflowByKey.size();
    }

    /** @return the number of blocks in use (symbols' and overflow), for tests. */
    int blocksUsed() {
        return blocksUsed;
    }

    /** Flags a slot dirty, listing it once. */
    void markDirty(final int slot) {
        if ((dirtyFlag[slot] & DIRTY) == 0) {
            dirtyFlag[slot] |= DIRTY;
            listDirty(slot);
        }
    }

    /** Flags a base bar dirty and changed since its last fold, listing it once in each list. */
    void markDirtyToFold(final int slot) {
        final byte flag = dirtyFlag[slot];
        if (flag != (DIRTY | TO_FOLD)) {
            if ((flag & DIRTY) == 0) {
                listDirty(slot);
            }
            if ((flag & TO_FOLD) == 0) {
                if (toFoldCount == toFold.length) {
                    toFold = Arrays.copyOf(toFold, toFoldCount * 2);
                }
                toFold[toFoldCount++] = slot;
            }
            dirtyFlag[slot] = DIRTY | TO_FOLD;
        }
    }

    private void listDirty(final int slot) {
        if (dirtyCount == dirty.length) {
            // A freed slot may still be listed (skipped when read): the list can outgrow the slot count.
            dirty = Arrays.copyOf(dirty, dirtyCount * 2);
        }
        dirty[dirtyCount++] = slot;
    }

    boolean isDirty(final int slot) {
        return (dirtyFlag[slot] & DIRTY) != 0;
    }

    void clearDirty(final int slot) {
        dirtyFlag[slot] &= ~DIRTY;
    }

    int toFoldCount() {
        return toFoldCount;
    }

    /** @return the slot at {@code position} of the bars to fold, or -1 if it was freed since it was listed. */
    int toFold(final int position) {
        final int slot = toFold[position];
        return (dirtyFlag[slot] & TO_FOLD) != 0 ? slot : NO_SLOT;
    }

    /** Empties the list of bars to fold: all are folded. */
    void clearToFold() {
        for (int i = 0; i < toFoldCount; i++) {
            dirtyFlag[toFold[i]] &= ~TO_FOLD;
        }
        toFoldCount = 0;
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

    /** @return the index of the symbol's entries in {@link #symbolState}, giving the symbol a block if it has none. */
    private int ensureBlock(final int symbolId) {
        final int s = symbolId * STATE_STRIDE;
        if (s >= symbolState.length) {
            final int old = symbolState.length;
            symbolState = Arrays.copyOf(symbolState, Math.max(s + STATE_STRIDE, old * 2));
            for (int i = old; i < symbolState.length; i += STATE_STRIDE) {
                symbolState[i + STATE_BLOCK] = NO_BLOCK;
                symbolState[i + STATE_FIRST] = NO_SLOT;
            }
            final int oldOpen = currentOpen.length;
            currentOpen = Arrays.copyOf(currentOpen, symbolState.length / STATE_STRIDE * TIMEFRAMES);
            Arrays.fill(currentOpen, oldOpen, currentOpen.length, FREE);
        }
        if (symbolState[s + STATE_BLOCK] == NO_BLOCK) {
            final int block = takeBlock();
            for (int i = 0; i < BLOCK_SLOTS; i++) {
                bars.putLong(offset(slotOf(block, i / TIMEFRAMES, i % TIMEFRAMES)) + OPEN_TIME_OFFSET, FREE);
            }
            symbolState[s + STATE_BLOCK] = block;
        }
        return s;
    }

    private void addOverflowBlock() {
        final int block = takeBlock();
        overflowSlots += BLOCK_SLOTS;
        if (overflowFree.length < overflowSlots) {
            // Room for every overflow slot: all of them may be freed at once.
            overflowFree = Arrays.copyOf(overflowFree, Math.max(overflowFree.length * 2, overflowSlots));
        }
        for (int i = BLOCK_SLOTS - 1; i >= 0; i--) {
            overflowFree[overflowFreeCount++] = slotOf(block, i / TIMEFRAMES, i % TIMEFRAMES);
        }
    }

    private int takeBlock() {
        if (blocksUsed == blockCapacity) {
            grow();
        }
        return blocksUsed++;
    }

    private void grow() {
        final long newCapacity = 2L * blockCapacity;
        if (newCapacity * BLOCK_SLOTS * LENGTH > Integer.MAX_VALUE) {
            throw new IllegalStateException("too many open bars [blocks=" + blockCapacity + "]");
        }
        final int slots = (int) newCapacity * BLOCK_SLOTS;
        final UnsafeBuffer larger = new UnsafeBuffer(allocate(slots));
        larger.putBytes(0, bars, 0, blockCapacity * BLOCK_SLOTS * LENGTH);
        bars = larger;
        live = Arrays.copyOf(live, slots);
        dirty = Arrays.copyOf(dirty, Math.max(dirty.length, slots));
        nextOfSymbol = Arrays.copyOf(nextOfSymbol, slots);
        previousOfSymbol = Arrays.copyOf(previousOfSymbol, slots);
        dirtyFlag = Arrays.copyOf(dirtyFlag, slots);
        final UnsafeBuffer largerFolds =
                new UnsafeBuffer(BufferUtil.allocateDirectAligned(slots * FOLD_LENGTH, FOLD_LENGTH));
        largerFolds.putBytes(0, folds, 0, folds.capacity());
        folds = largerFolds;
        blockCapacity = (int) newCapacity;
    }

    /** Slots aligned to their length: a bar is one adjacent cache-line pair, never split over three lines. */
    private static java.nio.ByteBuffer allocate(final int slots) {
        return BufferUtil.allocateDirectAligned(slots * LENGTH, LENGTH);
    }
}
