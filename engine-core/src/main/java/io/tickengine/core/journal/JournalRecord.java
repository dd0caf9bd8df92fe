package io.tickengine.core.journal;

import io.tickengine.core.tick.NameTable;

/**
 * One record read back from the journal: a tick, or (when {@link #kind} is {@link TickRecordDescriptor#KIND_BAR}) a
 * bar, whose fields are the {@code bar*} ones. A single instance is reused for every record of a replay; the name byte
 * arrays are only valid for the length given.
 */
public final class JournalRecord {
    /** {@link TickRecordDescriptor#KIND_TICK} or {@link TickRecordDescriptor#KIND_BAR}. */
    public byte kind;
    /** Tick time, or bar open time. */
    public long timeMsc;

    public double bid;
    public double ask;
    public double last;
    public long volume;
    public double volumeReal;
    public long seq;
    public int flags;
    public final byte[] symbol = new byte[NameTable.MAX_LENGTH];
    public int symbolLength;
    public final byte[] source = new byte[NameTable.MAX_LENGTH];
    /** 0 when the tick carried no source. */
    public int sourceLength;

    public int barTimeframe;
    public double barOpen;
    public double barHigh;
    public double barLow;
    public double barClose;
    public long barTickVolume;
    public double barRealVolume;
    public double barSpread;

    /** Replace records ({@link TickRecordDescriptor#KIND_REPLACE}): {@link #timeMsc} is the first time voided. */
    public long replaceToMsc;
    /** Replace records: ticks journaled before this index are voided. */
    public long replaceBeforeIndex;
}
