package io.tickengine.core.candle;

import java.util.Arrays;

/**
 * A reusable, column-oriented batch of whole bars (history backfill): what the {@code /ingest} route and the bar
 * importer fill and {@code TickRing.tryPublishBars} publishes. Not thread-safe.
 */
public final class BarBuffer {
    private int size;
    private int[] symbolId;
    private int[] timeframe;
    private long[] openTimeMsc;
    private double[] open;
    private double[] high;
    private double[] low;
    private double[] close;
    private long[] tickVolume;
    private double[] realVolume;
    private double[] spread;

    public BarBuffer(final int initialCapacity) {
        final int capacity = Math.max(1, initialCapacity);
        symbolId = new int[capacity];
        timeframe = new int[capacity];
        openTimeMsc = new long[capacity];
        open = new double[capacity];
        high = new double[capacity];
        low = new double[capacity];
        close = new double[capacity];
        tickVolume = new long[capacity];
        realVolume = new double[capacity];
        spread = new double[capacity];
    }

    public void clear() {
        size = 0;
    }

    public int size() {
        return size;
    }

    /**
     * Appends a bar.
     *
     * @param spread minimum ask-bid in price units, NaN if unknown.
     */
    public void add(
            final int symbolId,
            final Timeframe timeframe,
            final long openTimeMsc,
            final double open,
            final double high,
            final double low,
            final double close,
            final long tickVolume,
            final double realVolume,
            final double spread) {
        if (size == this.symbolId.length) {
            grow();
        }
        final int i = size++;
        this.symbolId[i] = symbolId;
        this.timeframe[i] = timeframe.ordinal();
        this.openTimeMsc[i] = openTimeMsc;
        this.open[i] = open;
        this.high[i] = high;
        this.low[i] = low;
        this.close[i] = close;
        this.tickVolume[i] = tickVolume;
        this.realVolume[i] = realVolume;
        this.spread[i] = spread;
    }

    public int symbolId(final int i) {
        return symbolId[i];
    }

    /** @return the timeframe's ordinal ({@link Timeframe#of}). */
    public int timeframe(final int i) {
        return timeframe[i];
    }

    public long openTimeMsc(final int i) {
        return openTimeMsc[i];
    }

    public double open(final int i) {
        return open[i];
    }

    public double high(final int i) {
        return high[i];
    }

    public double low(final int i) {
        return low[i];
    }

    public double close(final int i) {
        return close[i];
    }

    public long tickVolume(final int i) {
        return tickVolume[i];
    }

    public double realVolume(final int i) {
        return realVolume[i];
    }

    public double spread(final int i) {
        return spread[i];
    }

    private void grow() {
        final int capacity = symbolId.length * 2;
        symbolId = Arrays.copyOf(symbolId, capacity);
        timeframe = Arrays.copyOf(timeframe, capacity);
        openTimeMsc = Arrays.copyOf(openTimeMsc, capacity);
        open = Arrays.copyOf(open, capacity);
        high = Arrays.copyOf(high, capacity);
        low = Arrays.copyOf(low, capacity);
        close = Arrays.copyOf(close, capacity);
        tickVolume = Arrays.copyOf(tickVolume, capacity);
        realVolume = Arrays.copyOf(realVolume, capacity);
        spread = Arrays.copyOf(spread, capacity);
    }
}
