package io.tickengine.core.ring;

/**
 * A slot of the tick ring. Created once per slot by the ring's event factory and overwritten in place by each
 * publish: primitive fields only, so the tick path allocates nothing.
 *
 * <p>Written whole by the ingest gate before the slot is published, {@link #duplicate} and {@link #journalIndex}
 * included (the gate journals each record before it publishes it); read by the handlers.
 */
public final class TickEvent {
    /** A tick to journal and aggregate. */
    public static final int TYPE_TICK = 1;
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
    /**
     * Set on the last tick of a publish call only, when the answer waits for the journal's sync: the syncer completes
     * it with {@link #requestAccepted} and {@link #requestDuplicates}.
     */
    IngestAck ack;
    /** On the last record of a request: its records journaled. */
    int requestAccepted;
    /** On the last record of a request: its ticks dropped as duplicates. */
    int requestDuplicates;
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
     * @return true if the ingest gate did not journal this tick: its source had sent that seq before, or the
     *     append failed. Such a tick is never aggregated.
     */
    public boolean isDuplicate() {
        return duplicate;
    }

    /** Marks the tick as not journaled (see {@link #isDuplicate()}); before the slot is published. */
    public void markDuplicate() {
        duplicate = true;
    }

    /** @return the journal index the tick was appended at; -1 if not journaled. */
    public long journalIndex() {
        return journalIndex;
    }

    /** Records where the tick was journaled; before the slot is published. */
    public void journalIndex(final long journalIndex) {
        this.journalIndex = journalIndex;
    }

    /** Fills this slot with tick {@code i} of {@code ticks}. */
    public void fillTick(final io.tickengine.core.tick.TickBuffer ticks, final int i) {
        type = TYPE_TICK;
        symbolId = ticks.symbolId(i);
        timeMsc = ticks.timeMsc(i);
        bid = ticks.bid(i);
        ask = ticks.ask(i);
        last = ticks.last(i);
        volume = ticks.volume(i);
        volumeReal = ticks.volumeReal(i);
        flags = ticks.flags(i);
        sourceId = ticks.sourceId(i);
        seq = ticks.seq(i);
    }

    /** Fills this slot with bar {@code i} of {@code bars}: a bar given whole, stored as it is. */
    public void fillBar(final io.tickengine.core.candle.BarBuffer bars, final int i) {
        type = TYPE_BAR;
        symbolId = bars.symbolId(i);
        timeMsc = bars.openTimeMsc(i);
        barTimeframe = bars.timeframe(i);
        barOpen = bars.open(i);
        barHigh = bars.high(i);
        barLow = bars.low(i);
        barClose = bars.close(i);
        barTickVolume = bars.tickVolume(i);
        barRealVolume = bars.realVolume(i);
        barSpread = bars.spread(i);
        sourceId = -1;
        seq = 0;
    }

    /** Fills this slot with a replace record (see {@link #TYPE_REPLACE}). */
    public void fillReplace(final int symbolId, final long fromMsc, final long toMsc, final long beforeIndex) {
        type = TYPE_REPLACE;
        this.symbolId = symbolId;
        timeMsc = fromMsc;
        replaceToMsc = toMsc;
        replaceBeforeIndex = beforeIndex;
        sourceId = -1;
        seq = 0;
    }

    /** On the last record of a request: what the answer reports once the journal is synced. */
    public void requestOutcome(final int accepted, final int duplicates) {
        requestAccepted = accepted;
        requestDuplicates = duplicates;
    }

    /** On the last record of a request answered already (refused while journaling): nothing for the syncer. */
    public void dropAck() {
        ack = null;
    }

    /** @return on the last record of a request, its records journaled. */
    public int requestAccepted() {
        return requestAccepted;
    }

    /** @return on the last record of a request, its ticks dropped as duplicates. */
    public int requestDuplicates() {
        return requestDuplicates;
    }
}
