package io.tickengine.core.store;

import io.tickengine.core.candle.Timeframe;

/**
 * One bar as read from a store (not for the tick path).
 *
 * @param spread minimum ask-bid over the bar, NaN if unknown.
 */
public record CandleRow(
        String symbol,
        Timeframe timeframe,
        long openTimeMsc,
        double open,
        double high,
        double low,
        double close,
        long tickVolume,
        double realVolume,
        double spread) {}
