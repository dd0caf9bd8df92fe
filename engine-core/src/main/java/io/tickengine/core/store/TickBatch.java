package io.tickengine.core.store;

import io.tickengine.core.journal.JournalRecord;
import io.tickengine.core.tick.NameTable;
import java.util.Arrays;

/**
 * What the tick store writer has read from the journal for the next store transaction: tick rows in journal order,
 * the replace records among them, and the journal position the transaction completes. Columns of primitives, grown
 * to the largest batch once and reused: reading and encoding allocate nothing per tick. Owned by the tick store
 * writer thread; a store reads it during {@link TickStore#write} only.
 */
public final class TickBatch {
    private final NameTable symbols;
    private final NameTable sources;

    private int count;
    private int[] symbolId = new int[1024];
    private int[] sourceId = new int[1024];
    private long[] timeMsc = new long[1024];
    private double[] bid = new double[1024];
    private double[] ask = new double[1024];
    private double[] last = new double[1024];
    private long[] volume = new long[1024];
    private double[] volumeReal = new double[1024];
    private int[] flags = new int[1024];
    private long[] seq = new long[1024];
    private long[] ord = new long[1024];

    private int replaceCount;
    private int[] replaceSymbolId = new int[4];
    private long[] replaceFromMsc = new long[4];
    private long[] replaceToMsc = new long[4];
    private long[] replaceBeforeIndex = new long[4];

    private String journalId;
    private long journalIndex = -1;

    /** @param symbols, sources name tables of the writer thread (names are interned as they are read). */
    public TickBatch(final NameTable symbols, final NameTable sources) {
        this.symbols = symbols;
        this.sources = sources;
    }

    /** Adds the tick of a journal record read at {@code index}, and moves the batch's position to it. */
    public void addTick(final JournalRecord record, final long index) {
        if (count == timeMsc.length) {
            grow(count * 2);
        }
        final int i = count++;
        symbolId[i] = symbols.intern(record.symbol, 0, record.symbolLength);
        sourceId[i] = record.sourceLength == 0 ? -1 : sources.intern(record.source, 0, record.sourceLength);
        timeMsc[i] = record.timeMsc;
        bid[i] = record.bid;
        ask[i] = record.ask;
        last[i] = record.last;
        volume[i] = record.volume;
        volumeReal[i] = record.volumeReal;
        flags[i] = record.flags;
        seq[i] = record.seq;
        ord[i] = index;
        journalIndex = index;
    }

    /** Adds the replace record read at {@code index}, and moves the batch's position to it. */
    public void addReplace(final JournalRecord record, final long index) {
        if (replaceCount == replaceFromMsc.length) {
            final int capacity = replaceCount * 2;
            replaceSymbolId = Arrays.copyOf(replaceSymbolId, capacity);
            replaceFromMsc = Arrays.copyOf(replaceFromMsc, capacity);
            replaceToMsc = Arrays.copyOf(replaceToMsc, capacity);
            replaceBeforeIndex = Arrays.copyOf(replaceBeforeIndex, capacity);
        }
        final int i = replaceCount++;
        replaceSymbolId[i] = symbols.intern(record.symbol, 0, record.symbolLength);
        replaceFromMsc[i] = record.timeMsc;
        replaceToMsc[i] = record.replaceToMsc;
        replaceBeforeIndex[i] = record.replaceBeforeIndex;
        journalIndex = index;
    }

    /** Moves the batch's position past a record that holds no tick (a bar). */
    public void skip(final long index) {
        journalIndex = index;
    }

    /** Names the journal the position belongs to. */
    public void journalId(final String journalId) {
        this.journalId = journalId;
    }

    /** @return true if there is nothing to commit, not even a position. */
    public boolean isEmpty() {
        return count == 0 && replaceCount == 0 && journalIndex < 0;
    }

    /** Empties the batch after a commit; the position stays for the next one. */
    public void clear() {
        count = 0;
        replaceCount = 0;
    }

    /** Forgets everything, the position too (before reading the journal again from the committed position). */
    public void reset() {
        clear();
        journalIndex = -1;
    }

    private void grow(final int capacity) {
        symbolId = Arrays.copyOf(symbolId, capacity);
        sourceId = Arrays.copyOf(sourceId, capacity);
        timeMsc = Arrays.copyOf(timeMsc, capacity);
        bid = Arrays.copyOf(bid, capacity);
        ask = Arrays.copyOf(ask, capacity);
        last = Arrays.copyOf(last, capacity);
        volume = Arrays.copyOf(volume, capacity);
        volumeReal = Arrays.copyOf(volumeReal, capacity);
        flags = Arrays.copyOf(flags, capacity);
        seq = Arrays.copyOf(seq, capacity);
        ord = Arrays.copyOf(ord, capacity);
    }

    /** @return the number of tick rows. */
    public int size() {
        return count;
    }

    public NameTable symbols() {
        return symbols;
    }

    public NameTable sources() {
        return sources;
    }

    public int symbolId(final int i) {
        return symbolId[i];
    }

    /** @return the source id of row {@code i}, -1 when the tick had none. */
    public int sourceId(final int i) {
        return sourceId[i];
    }

    public long timeMsc(final int i) {
        return timeMsc[i];
    }

    public double bid(final int i) {
        return bid[i];
    }

    public double ask(final int i) {
        return ask[i];
    }

    public double last(final int i) {
        return last[i];
    }

    public long volume(final int i) {
        return volume[i];
    }

    public double volumeReal(final int i) {
        return volumeReal[i];
    }

    public int flags(final int i) {
        return flags[i];
    }

    public long seq(final int i) {
        return seq[i];
    }

    /** @return the tick's journal index: its arrival order. */
    public long ord(final int i) {
        return ord[i];
    }

    /** @return the number of replace records. */
    public int replaceCount() {
        return replaceCount;
    }

    public String replaceSymbol(final int i) {
        return symbols.name(replaceSymbolId[i]);
    }

    public long replaceFromMsc(final int i) {
        return replaceFromMsc[i];
    }

    public long replaceToMsc(final int i) {
        return replaceToMsc[i];
    }

    public long replaceBeforeIndex(final int i) {
        return replaceBeforeIndex[i];
    }

    public String journalId() {
        return journalId;
    }

    /** @return the last journal index this batch completes, -1 if none. */
    public long journalIndex() {
        return journalIndex;
    }
}
