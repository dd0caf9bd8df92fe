package io.tickengine.core.store;

import io.tickengine.core.journal.JournalRecord;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
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

    private final TickBuffer ticks = new TickBuffer(1024);
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
        final int i = ticks.add(
                symbols.intern(record.symbol, 0, record.symbolLength),
                record.timeMsc,
                record.bid,
                record.ask,
                record.last,
                record.volume,
                record.volumeReal,
                record.flags,
                record.sourceLength == 0 ? TickBuffer.NO_SOURCE : sources.intern(record.source, 0, record.sourceLength),
                record.seq);
        if (i == ord.length) {
            ord = Arrays.copyOf(ord, i * 2);
        }
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
        return ticks.size() == 0 && replaceCount == 0 && journalIndex < 0;
    }

    /** Empties the batch after a commit; the position stays for the next one. */
    public void clear() {
        ticks.clear();
        replaceCount = 0;
    }

    /** Forgets everything, the position too (before reading the journal again from the committed position). */
    public void reset() {
        clear();
        journalIndex = -1;
    }

    /** @return the number of tick rows. */
    public int size() {
        return ticks.size();
    }

    /** @return the tick rows, in journal order; source ids are {@link TickBuffer#NO_SOURCE} for ticks without one. */
    public TickBuffer ticks() {
        return ticks;
    }

    public NameTable symbols() {
        return symbols;
    }

    public NameTable sources() {
        return sources;
    }

    /** @return the journal index of row {@code i}: its arrival order. */
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
