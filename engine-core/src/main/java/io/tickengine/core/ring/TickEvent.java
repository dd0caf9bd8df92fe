package io.tickengine.core.ring;

/**
 * A slot of the tick ring. Created once per slot by the ring's event factory and overwritten in place by each
 * publish: primitive fields only, so the tick path allocates nothing.
 *
 * <p>Written by the publisher before the slot is published; {@link #duplicate} and {@link #journalIndex} are then
 * written by the journal handler and read by the handlers after it.
 */
public final class TickEvent {
    /** A tick to journal and aggregate. */
    public static final int TYPE_TICK = 1;
    /** No tick: wakes the handlers so they can finish work left over from an earlier batch. */
    public static final int TYPE_HEARTBEAT = 2;
    /** A whole bar to journal and store as given (history backfill); {@link #timeMsc} is its open time. */
    public static final int TYPE_BAR = 3;
    /**
     * Voids the symbol's ticks within {@code [timeMsc, replaceToMsc]} journaled before {@code replaceBeforeIndex}
     * (an import that replaces a range): the tick store deletes them and their bars are rebuilt.
     */
    public static final int TYPE_REPLACE = 4;

    int type;
    int symbolId;
    long timeMsc;
    double bid;
    double ask;
    double last;
    long volume;
    double volumeReal;
    int flags;
    int sourceId;
    long seq;
    /** True on the last tick of a publish call. */
    boolean endsRequest;
    /** Set on the last tick of a publish call only; the journal handler completes it. */
    IngestAck ack;
    /** {@code System.nanoTime()} when the publish call claimed the slot. */
    long publishNs;

    int barTimeframe;
    double barOpen;
    double barHigh;
    double barLow;
    double barClose;
    long barTickVolume;
    double barRealVolume;
    double barSpread;

    long replaceToMsc;
    long replaceBeforeIndex;

    boolean duplicate;
    long journalIndex;

    public long replaceToMsc() {
        return replaceToMsc;
    }

    public long replaceBeforeIndex() {
        return replaceBeforeIndex;
    }

    public int barTimeframe() {
        return barTimeframe;
    }

    public double barOpen() {
        return barOpen;
    }

    public double barHigh() {
        return barHigh;
    }

    public double barLow() {
        return barLow;
    }

    public double barClose() {
        return barClose;
    }

    public long barTickVolume() {
        return barTickVolume;
    }

    public double barRealVolume() {
        return barRealVolume;
    }

    /** @return the bar's spread in price units, NaN if unknown. */
    public double barSpread() {
        return barSpread;
    }

    public int type() {
        return type;
    }

    public int symbolId() {
        return symbolId;
    }

    public long timeMsc() {
        return timeMsc;
    }

    public double bid() {
        return bid;
    }

    public double ask() {
        return ask;
    }

    public double last() {
        return last;
    }

    public long volume() {
        return volume;
    }

    public double volumeReal() {
        return volumeReal;
    }

    public int flags() {
        return flags;
    }

    public int sourceId() {
        return sourceId;
    }

    public long seq() {
        return seq;
    }

    /** @return true on the last tick of a publish call. */
    public boolean endsRequest() {
        return endsRequest;
    }

    public IngestAck ack() {
        return ack;
    }

    public long publishNs() {
        return publishNs;
    }

    /**
     * @return true if the journal handler did not journal this tick: its source had sent that seq before, or the
     *     append failed. Such a tick is never aggregated.
     */
    public boolean isDuplicate() {
        return duplicate;
    }

    /** Marks the tick as not journaled (see {@link #isDuplicate()}); journal handler thread only. */
    public void markDuplicate() {
        duplicate = true;
    }

    /** @return the journal index the tick was appended at; valid after the journal handler, unless duplicate. */
    public long journalIndex() {
        return journalIndex;
    }

    /** Records where the tick was journaled; journal handler thread only. */
    public void journalIndex(final long journalIndex) {
        this.journalIndex = journalIndex;
    }
}
