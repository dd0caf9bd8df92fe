package io.tickengine.core.store;

import io.tickengine.core.candle.BarRanges;
import io.tickengine.core.candle.CandleDescriptor;
import io.tickengine.core.candle.CandleFlyweight;
import io.tickengine.core.tick.NameTable;
import java.util.Arrays;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2LongHashMap;

/**
 * What the writer has gathered for the next store transaction: the newest version of each changed bar (one per
 * key), symbol resume points, source seqs and the checkpoint. Owned by the writer thread; a store reads it during
 * {@link CandleStore#write} only.
 */
public final class StoreBatch {
    private final NameTable symbols;
    private final NameTable sources;
    /** Timeframe ordinals per symbol in {@link #latestIndex}: they fit the key's 4 bits. */
    private static final int TIMEFRAME_SLOTS = 16;

    private static final int NO_INDEX = -1;
    /**
     * Per symbol id and timeframe ordinal: the index of the bar of that symbol and timeframe put last, or -1. Most
     * versions of a bar follow one another, so most are found here, without a lookup in a map of every bar of the
     * batch (a cache miss per bar with thousands of symbols).
     */
    private int[] latestIndex = new int[0];
    /** The bars no longer in {@link #latestIndex} (a newer bar of their symbol and timeframe came), by key. */
    private final Long2LongHashMap indexByKey = new Long2LongHashMap(-1);

    private final ExpandableDirectByteBuffer candles = new ExpandableDirectByteBuffer(64 * 1024);
    private final CandleFlyweight flyweight = new CandleFlyweight();
    private int candleCount;

    private final IntArrayList symbolIds = new IntArrayList();
    private long[] replayFrom = new long[64];
    private long[] replayWatermark = new long[64];
    private long[] watermark = new long[64];
    private boolean[] symbolListed = new boolean[64];

    private final IntArrayList sourceIds = new IntArrayList();
    private long[] sourceSeq = new long[16];
    private byte[][] sourceWindow = new byte[16][];
    private boolean[] sourceListed = new boolean[16];

    private final BarRanges rebuilds = new BarRanges();

    private final org.agrona.collections.LongArrayList completedRebuilds = new org.agrona.collections.LongArrayList();

    private String journalId;
    private long journalIndex = -1;
    private boolean hasCheckpoint;

    StoreBatch(final NameTable symbols, final NameTable sources) {
        this.symbols = symbols;
        this.sources = sources;
    }

    /** Adds a bar, replacing the version already held for its key. */
    void putCandle(final org.agrona.DirectBuffer buffer, final int offset) {
        flyweight.wrap(buffer, offset);
        final int c = flyweight.symbolId() * TIMEFRAME_SLOTS + flyweight.timeframe();
        final long openTimeMsc = flyweight.openTimeMsc();
        if (c >= latestIndex.length) {
            final int old = latestIndex.length;
            latestIndex = Arrays.copyOf(latestIndex, Math.max(c + TIMEFRAME_SLOTS, old * 2));
            Arrays.fill(latestIndex, old, latestIndex.length, NO_INDEX);
        }
        final int latest = latestIndex[c];
        int index;
        if (latest != NO_INDEX && openTimeAt(latest) == openTimeMsc) {
            index = latest;
        } else {
            index = (int) indexByKey.remove(flyweight.key());
            if (index < 0) {
                index = candleCount++;
            }
            if (latest != NO_INDEX) {
                indexByKey.put(
                        CandleDescriptor.key(flyweight.symbolId(), flyweight.timeframe(), openTimeAt(latest)), latest);
            }
            latestIndex[c] = index;
        }
        candles.putBytes(index * CandleDescriptor.STORE_LENGTH, buffer, offset, CandleDescriptor.STORE_LENGTH);
    }

    private long openTimeAt(final int index) {
        return candles.getLong(index * CandleDescriptor.STORE_LENGTH + CandleDescriptor.OPEN_TIME_OFFSET);
    }

    /** @return true if a version of the bar at {@code offset} is held: putting it replaces that, adding no bar. */
    boolean holdsCandle(final org.agrona.DirectBuffer buffer, final int offset) {
        flyweight.wrap(buffer, offset);
        final int c = flyweight.symbolId() * TIMEFRAME_SLOTS + flyweight.timeframe();
        // Most held bars are their symbol and timeframe's latest, which only latestIndex knows.
        if (c < latestIndex.length) {
            final int latest = latestIndex[c];
            if (latest != NO_INDEX && openTimeAt(latest) == flyweight.openTimeMsc()) {
                return true;
            }
        }
        return indexByKey.containsKey(flyweight.key());
    }

    void putSymbolState(
            final int symbolId, final long replayFromIndex, final long replayWatermarkMsc, final long watermarkMsc) {
        if (symbolId >= symbolListed.length) {
            final int capacity = Math.max(symbolId + 1, symbolListed.length * 2);
            replayFrom = Arrays.copyOf(replayFrom, capacity);
            replayWatermark = Arrays.copyOf(replayWatermark, capacity);
            watermark = Arrays.copyOf(watermark, capacity);
            symbolListed = Arrays.copyOf(symbolListed, capacity);
        }
        if (!symbolListed[symbolId]) {
            symbolListed[symbolId] = true;
            symbolIds.addInt(symbolId);
        }
        replayFrom[symbolId] = replayFromIndex;
        replayWatermark[symbolId] = replayWatermarkMsc;
        watermark[symbolId] = watermarkMsc;
    }

    /** Keeps a source's newest dedup state: its highest seq and the window bitmap at {@code offset}. */
    void putSourceSeq(
            final int sourceId,
            final long seq,
            final org.agrona.DirectBuffer buffer,
            final int offset,
            final int windowLength) {
        if (sourceId >= sourceListed.length) {
            final int capacity = Math.max(sourceId + 1, sourceListed.length * 2);
            sourceSeq = Arrays.copyOf(sourceSeq, capacity);
            sourceWindow = Arrays.copyOf(sourceWindow, capacity);
            sourceListed = Arrays.copyOf(sourceListed, capacity);
        }
        if (!sourceListed[sourceId]) {
            sourceListed[sourceId] = true;
            sourceIds.addInt(sourceId);
        }
        // Messages come in order and the aggregator's marks only rise: the newest state is the whole truth.
        sourceSeq[sourceId] = seq;
        if (sourceWindow[sourceId] == null || sourceWindow[sourceId].length != windowLength) {
            sourceWindow[sourceId] = new byte[windowLength];
        }
        buffer.getBytes(offset, sourceWindow[sourceId]);
    }

    /** Adds a request to rebuild bars from the stored ticks, merged with one for the same symbol and timeframe. */
    void putRebuild(
            final int symbolId, final int timeframe, final long fromMsc, final long toMsc, final long journalIndex) {
        rebuilds.add(symbolId, timeframe, fromMsc, toMsc, journalIndex);
    }

    /** Marks a stored rebuild request done: it is deleted in the transaction that writes the rebuilt bars. */
    void completeRebuild(final long requestId) {
        completedRebuilds.addLong(requestId);
    }

    void putCheckpoint(final String journalId, final long journalIndex) {
        this.journalId = journalId;
        this.journalIndex = journalIndex;
        this.hasCheckpoint = true;
    }

    boolean isEmpty() {
        return candleCount == 0
                && symbolIds.isEmpty()
                && sourceIds.isEmpty()
                && rebuilds.size() == 0
                && completedRebuilds.isEmpty()
                && !hasCheckpoint;
    }

    void clear() {
        for (int i = 0; i < candleCount; i++) {
            final int o = i * CandleDescriptor.STORE_LENGTH;
            latestIndex[
                    candles.getInt(o + CandleDescriptor.SYMBOL_ID_OFFSET) * TIMEFRAME_SLOTS
                            + candles.getInt(o + CandleDescriptor.TIMEFRAME_OFFSET)] = NO_INDEX;
        }
        indexByKey.clear();
        candleCount = 0;
        for (int i = 0, n = symbolIds.size(); i < n; i++) {
            symbolListed[symbolIds.getInt(i)] = false;
        }
        symbolIds.clear();
        for (int i = 0, n = sourceIds.size(); i < n; i++) {
            final int id = sourceIds.getInt(i);
            sourceListed[id] = false;
            sourceSeq[id] = 0;
        }
        sourceIds.clear();
        rebuilds.clear();
        completedRebuilds.clear();
        hasCheckpoint = false;
    }

    /** @return the number of bars. */
    public int candleCount() {
        return candleCount;
    }

    /** @return bar {@code i}, through a flyweight reused by the next call. */
    public CandleFlyweight candle(final int i) {
        return flyweight.wrap(candles, i * CandleDescriptor.STORE_LENGTH);
    }

    /** @return the symbol names, for encoders that cache per-symbol bytes. */
    public NameTable symbols() {
        return symbols;
    }

    /** @return the number of symbol resume points. */
    public int symbolStateCount() {
        return symbolIds.size();
    }

    public String symbolStateName(final int i) {
        return symbols.name(symbolIds.getInt(i));
    }

    /** @return the symbol id of resume point {@code i}. */
    public int symbolStateId(final int i) {
        return symbolIds.getInt(i);
    }

    public long symbolReplayFrom(final int i) {
        return replayFrom[symbolIds.getInt(i)];
    }

    public long symbolReplayWatermark(final int i) {
        return replayWatermark[symbolIds.getInt(i)];
    }

    public long symbolWatermark(final int i) {
        return watermark[symbolIds.getInt(i)];
    }

    /** @return the number of source seqs. */
    public int sourceCount() {
        return sourceIds.size();
    }

    public String sourceName(final int i) {
        return sources.name(sourceIds.getInt(i));
    }

    public long sourceSeq(final int i) {
        return sourceSeq[sourceIds.getInt(i)];
    }

    /** @return the rebuild requests to store, with the journal index the tick store must pass for each. */
    public BarRanges rebuilds() {
        return rebuilds;
    }

    /** @return the ids of stored rebuild requests this batch completes. */
    public org.agrona.collections.LongArrayList completedRebuilds() {
        return completedRebuilds;
    }

    /** @return source {@code i}'s window bitmap, owned by the batch: read it during the write only. */
    public byte[] sourceWindow(final int i) {
        return sourceWindow[sourceIds.getInt(i)];
    }

    /** @return true if the batch carries a checkpoint. */
    public boolean hasCheckpoint() {
        return hasCheckpoint;
    }

    public String journalId() {
        return journalId;
    }

    /** @return the last journal index whose effects this batch completes. */
    public long journalIndex() {
        return journalIndex;
    }
}
