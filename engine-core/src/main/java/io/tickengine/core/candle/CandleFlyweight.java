package io.tickengine.core.candle;

import static io.tickengine.core.candle.CandleDescriptor.*;

import org.agrona.DirectBuffer;

/** Reads the store part of a bar ({@link CandleDescriptor}) in place; re-point it with {@link #wrap}. */
public final class CandleFlyweight {
    private DirectBuffer buffer;
    private int offset;

    /** Points this flyweight at the bar at {@code offset}. */
    public CandleFlyweight wrap(final DirectBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public long openTimeMsc() {
        return buffer.getLong(offset + OPEN_TIME_OFFSET);
    }

    public double open() {
        return buffer.getDouble(offset + OPEN_OFFSET);
    }

    public double high() {
        return buffer.getDouble(offset + HIGH_OFFSET);
    }

    public double low() {
        return buffer.getDouble(offset + LOW_OFFSET);
    }

    public double close() {
        return buffer.getDouble(offset + CLOSE_OFFSET);
    }

    public double realVolume() {
        return buffer.getDouble(offset + REAL_VOLUME_OFFSET);
    }

    /** @return the minimum ask-bid seen, NaN if no tick had both. */
    public double spread() {
        return buffer.getDouble(offset + SPREAD_OFFSET);
    }

    public long tickVolume() {
        return buffer.getLong(offset + TICK_VOLUME_OFFSET);
    }

    public int symbolId() {
        return buffer.getInt(offset + SYMBOL_ID_OFFSET);
    }

    public int timeframe() {
        return buffer.getInt(offset + TIMEFRAME_OFFSET);
    }

    /** @return the bar's key ({@link CandleDescriptor#key}). */
    public long key() {
        return CandleDescriptor.key(symbolId(), timeframe(), openTimeMsc());
    }
}
