package io.tickengine.core.ring;

/**
 * Benchmark support: fills a {@link TickEvent} directly, as {@link TickRing#tryPublish} does, so the journal can be
 * measured without the ring. Lives in the ring's package (on the benchmarks' classpath only) because the event's
 * fields are package-private by design.
 */
public final class BenchTickEvents {
    private BenchTickEvents() {}

    /** Sets every field of a tick event; the ack and publish time are cleared. */
    public static TickEvent tick(
            final TickEvent e,
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
        e.type = TickEvent.TYPE_TICK;
        e.symbolId = symbolId;
        e.timeMsc = timeMsc;
        e.bid = bid;
        e.ask = ask;
        e.last = last;
        e.volume = volume;
        e.volumeReal = volumeReal;
        e.flags = flags;
        e.sourceId = sourceId;
        e.seq = seq;
        e.endsRequest = true;
        e.ack = null;
        e.publishNs = 0;
        e.duplicate = false;
        e.journalIndex = -1;
        return e;
    }

    /** Sets the tick's time only. */
    public static void time(final TickEvent e, final long timeMsc) {
        e.timeMsc = timeMsc;
    }
}
