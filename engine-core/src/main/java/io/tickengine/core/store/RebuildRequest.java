package io.tickengine.core.store;

import io.tickengine.core.candle.Timeframe;

/**
 * A stored request to rebuild bars from the stored ticks ({@code engine_rebuild}).
 *
 * @param fromMsc open time of the first bar.
 * @param toMsc open time of the last bar.
 * @param journalIndex how far the tick store must have come before the bars can be rebuilt.
 */
public record RebuildRequest(
        long id, String symbol, Timeframe timeframe, long fromMsc, long toMsc, long journalIndex) {}
