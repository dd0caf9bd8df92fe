package io.tickengine.core.journal;

import io.tickengine.core.tick.NameTable;

/**
 * One tick read back from the journal. A single instance is reused for every record of a replay; the name byte
 * arrays are only valid for the length given.
 */
public final class JournalRecord {
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
}
