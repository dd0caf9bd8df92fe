package io.tickengine.core.store;

/**
 * One stored tick, with the ingest field names ({@code GET /ticks}).
 *
 * @param ord the tick's journal index: the arrival order among ticks of the same millisecond.
 */
public record TickRow(
        String symbol,
        long timeMsc,
        double bid,
        double ask,
        double last,
        long volume,
        double volumeReal,
        int flags,
        String source,
        long seq,
        long ord) {}
