package io.tickengine.core.tick;

import java.util.Arrays;

/**
 * A reusable, column-oriented batch of ticks: what a parser fills and what {@code TickRing} publishes.
 *
 * <p>One instance per producer thread (for example per Netty event loop), cleared and refilled for each request;
 * it grows to the largest batch seen and then allocates nothing. Not thread-safe.
 */
public final class TickBuffer {
    /** Source id of a tick that carries no {@code source}. */
    public static final int NO_SOURCE = -1;
    /** Sequence number of a tick that carries no {@code seq}. */
    public static final long NO_SEQ = 0;

    private int size;
    private int[] symbolId;
    private long[] timeMsc;
    private double[] bid;
    private double[] ask;
    private double[] last;
    private long[] volume;
    private double[] volumeReal;
    private int[] flags;
    private int[] sourceId;
    private long[] seq;

    /** @param initialCapacity ticks held before the first growth. */
    public TickBuffer(final int initialCapacity) {
        allocate(Math.max(1, initialCapacity));
    }

    /** Empties the buffer, keeping its capacity. */
    public void clear() {
        size = 0;
    }

    /** @return the number of ticks held. */
    public int size() {
        return size;
    }

    /**
     * Appends a tick.
     *
     * @return its index in this buffer.
     */
    public int add(
            final int symbolId,
            final long timeMsc,
            final double bid,
            final double ask,
            final double last,
            final long volume,
            final double volumeReal,
            final int flags,
            final int sourceId,
            final long seq) {
        if (size == this.timeMsc.length) {
            grow();
        }
        final int i = size++;
        this.symbolId[i] = symbolId;
        this.timeMsc[i] = timeMsc;
        this.bid[i] = bid;
        this.ask[i] = ask;
        this.last[i] = last;
        this.volume[i] = volume;
        this.volumeReal[i] = volumeReal;
        this.flags[i] = flags;
        this.sourceId[i] = sourceId;
        this.seq[i] = seq;
        return i;
    }

    public int symbolId(final int i) {
        return symbolId[i];
    }

    public long timeMsc(final int i) {
        return timeMsc[i];
    }

    public double bid(final int i) {
        return bid[i];
    }

    public double ask(final int i) {
        return ask[i];
    }

    public double last(final int i) {
        return last[i];
    }

    public long volume(final int i) {
        return volume[i];
    }

    public double volumeReal(final int i) {
        return volumeReal[i];
    }

    public int flags(final int i) {
        return flags[i];
    }

    public int sourceId(final int i) {
        return sourceId[i];
    }

    public long seq(final int i) {
        return seq[i];
    }

    private void grow() {
        final int capacity = timeMsc.length * 2;
        symbolId = Arrays.copyOf(symbolId, capacity);
        timeMsc = Arrays.copyOf(timeMsc, capacity);
        bid = Arrays.copyOf(bid, capacity);
        ask = Arrays.copyOf(ask, capacity);
        last = Arrays.copyOf(last, capacity);
        volume = Arrays.copyOf(volume, capacity);
        volumeReal = Arrays.copyOf(volumeReal, capacity);
        flags = Arrays.copyOf(flags, capacity);
        sourceId = Arrays.copyOf(sourceId, capacity);
        seq = Arrays.copyOf(seq, capacity);
    }

    private void allocate(final int capacity) {
        symbolId = new int[capacity];
        timeMsc = new long[capacity];
        bid = new double[capacity];
        ask = new double[capacity];
        last = new double[capacity];
        volume = new long[capacity];
        volumeReal = new double[capacity];
        flags = new int[capacity];
        sourceId = new int[capacity];
        seq = new long[capacity];
    }
}
