package io.tickengine.http.importer;

import io.tickengine.core.candle.Timeframe;

/**
 * One bar read from a bar file, validated: prices finite and above 0, {@code high >= max(open, close)}, {@code low <=
 * min(open, close)}, volumes not negative, open time aligned to the timeframe.
 *
 * @param openTimeMsc the bar's open time, UTC epoch ms.
 * @param tickVolume MT5's {@code <TICKVOL>}: the number of ticks.
 * @param realVolume MT5's {@code <VOL>}: the traded volume, 0 for most FX symbols.
 * @param spreadPoints MT5's {@code <SPREAD>}, in points of the symbol.
 */
public record ImportedBar(
        String symbol,
        Timeframe timeframe,
        long openTimeMsc,
        double open,
        double high,
        double low,
        double close,
        long tickVolume,
        double realVolume,
        int spreadPoints) {}
