package io.tickengine.core.candle;

import java.util.Arrays;
import org.agrona.collections.Long2LongHashMap;

/**
 * Ranges of bars to rebuild, one per (symbol, timeframe): adding a range for a pair already held widens it. The
 * aggregator gathers a batch's requests in one, the writer a transaction's. Primitive columns, grown once and
 * reused; single-threaded.
 */
public final class BarRanges {
    private final Long2LongHashMap indexByKey = new Long2LongHashMap(-1);
    private int size;
    private int[] symbolId = new int[16];
    private int[] timeframe = new int[16];
    private long[] fromMsc = new long[16];
    private long[] toMsc = new long[16];
    private long[] journalIndex = new long[16];

    /**
     * Adds the bars opening in {@code [fromMsc, toMsc]}, merged with the range held for the same symbol and
     * timeframe; the journal index kept is the highest given.
     */
    public void add(
            final int symbolId, final int timeframe, final long fromMsc, final long toMsc, final long journalIndex) {
        final long key = ((long) symbolId << 8) | timeframe;
        final int i = (int) indexByKey.get(key);
        if (i >= 0) {
            this.fromMsc[i] = Math.min(this.fromMsc[i], fromMsc);
            this.toMsc[i] = Math.max(this.toMsc[i], toMsc);
            this.journalIndex[i] = Math.max(this.journalIndex[i], journalIndex);
            return;
        }
        if (size == this.fromMsc.length) {
            final int capacity = size * 2;
            this.symbolId = Arrays.copyOf(this.symbolId, capacity);
            this.timeframe = Arrays.copyOf(this.timeframe, capacity);
            this.fromMsc = Arrays.copyOf(this.fromMsc, capacity);
            this.toMsc = Arrays.copyOf(this.toMsc, capacity);
            this.journalIndex = Arrays.copyOf(this.journalIndex, capacity);
        }
        indexByKey.put(key, size);
        this.symbolId[size] = symbolId;
        this.timeframe[size] = timeframe;
        this.fromMsc[size] = fromMsc;
        this.toMsc[size] = toMsc;
        this.journalIndex[size] = journalIndex;
        size++;
    }

    public void clear() {
        indexByKey.clear();
        size = 0;
    }

    public int size() {
        return size;
    }

    public int symbolId(final int i) {
        return symbolId[i];
    }

    public int timeframe(final int i) {
        return timeframe[i];
    }

    /** @return the open time of the first bar. */
    public long fromMsc(final int i) {
        return fromMsc[i];
    }

    /** @return the open time of the last bar. */
    public long toMsc(final int i) {
        return toMsc[i];
    }

    public long journalIndex(final int i) {
        return journalIndex[i];
    }
}
