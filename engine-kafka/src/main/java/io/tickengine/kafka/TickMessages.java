package io.tickengine.kafka;

import io.tickengine.core.journal.JournalRecord;
import io.tickengine.core.journal.TickRecordDescriptor;
import io.tickengine.core.tick.TickBuffer;
import java.nio.ByteOrder;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.utils.Utils;

/**
 * The journal's records as Kafka messages. The key is the symbol's name (ASCII), so a symbol's records stay in one
 * partition in journal order; the value is the record in the journal's fixed-header layout (format 1 of
 * {@link TickRecordDescriptor}, little-endian; one message a tick, so there is no run of names to pack), so any reader
 * that knows the journal knows the topic. Headers:
 *
 * <ul>
 *   <li>{@value #JOURNAL_ID}: the journal's id (UTF-8), as the store's checkpoint names it;
 *   <li>{@value #JOURNAL_INDEX}: the record's journal index (int64, big-endian);
 *   <li>{@value #SHIPPED_INDEX}: when it was sent, the newest journal index the cluster held with every one before it
 *       (int64, big-endian): where a restarted mirror resumes.
 * </ul>
 *
 * <p>With {@code journal.kind=kafka} the topic is the journal: each message is one tick an engine took, with the
 * header {@value #ENGINE_ID} (the engine's {@code kafka.client.id}, UTF-8) and no journal headers. A tick with a
 * {@code source} and {@code seq} may be in the topic more than once (a request resent to another engine after a lost
 * answer): a reader keeps the first message of each {@code (source, seq)} in partition order and drops the others, as
 * the engines' store does.
 */
public final class TickMessages {
    public static final String JOURNAL_ID = "tick.journal.id";
    public static final String JOURNAL_INDEX = "tick.journal.index";
    public static final String SHIPPED_INDEX = "tick.shipped.index";
    public static final String ENGINE_ID = "tick.engine.id";

    private TickMessages() {}

    /** @return the partition of a symbol: Kafka's own choice for a keyed record (murmur2 of the key). */
    public static int partitionOf(final byte[] key, final int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    /** @return the symbol of {@code record} as a message key. */
    public static byte[] key(final JournalRecord record) {
        final byte[] key = new byte[record.symbolLength];
        System.arraycopy(record.symbol, 0, key, 0, record.symbolLength);
        return key;
    }

    /**
     * Points {@code record} at tick {@code i} of {@code ticks}.
     *
     * @param symbol the tick's symbol (ASCII).
     * @param source the tick's source (ASCII), or {@code null} for none.
     */
    public static void fill(
            final JournalRecord record, final TickBuffer ticks, final int i, final byte[] symbol, final byte[] source) {
        record.kind = TickRecordDescriptor.KIND_TICK;
        record.timeMsc = ticks.timeMsc(i);
        record.bid = ticks.bid(i);
        record.ask = ticks.ask(i);
        record.last = ticks.last(i);
        record.volume = ticks.volume(i);
        record.volumeReal = ticks.volumeReal(i);
        record.seq = ticks.seq(i);
        record.flags = ticks.flags(i);
        System.arraycopy(symbol, 0, record.symbol, 0, symbol.length);
        record.symbolLength = symbol.length;
        if (source == null) {
            record.sourceLength = 0;
        } else {
            System.arraycopy(source, 0, record.source, 0, source.length);
            record.sourceLength = source.length;
        }
    }

    /** @return {@code record} in the journal's fixed-header layout (format 1 of {@link TickRecordDescriptor}). */
    public static byte[] value(final JournalRecord record) {
        final boolean bar = record.kind == TickRecordDescriptor.KIND_BAR;
        final int namesOffset = bar ? TickRecordDescriptor.BAR_NAMES_OFFSET : TickRecordDescriptor.NAMES_OFFSET;
        final int sourceLength = bar ? 0 : record.sourceLength;
        final byte[] value = new byte[namesOffset + record.symbolLength + sourceLength];
        final UnsafeBuffer b = new UnsafeBuffer(value);
        final ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        b.putLong(TickRecordDescriptor.TIME_MSC_OFFSET, record.timeMsc, le);
        if (bar) {
            b.putDouble(TickRecordDescriptor.BAR_OPEN_OFFSET, record.barOpen, le);
            b.putDouble(TickRecordDescriptor.BAR_HIGH_OFFSET, record.barHigh, le);
            b.putDouble(TickRecordDescriptor.BAR_LOW_OFFSET, record.barLow, le);
            b.putDouble(TickRecordDescriptor.BAR_CLOSE_OFFSET, record.barClose, le);
            b.putDouble(TickRecordDescriptor.BAR_REAL_VOLUME_OFFSET, record.barRealVolume, le);
            b.putLong(TickRecordDescriptor.BAR_TICK_VOLUME_OFFSET, record.barTickVolume, le);
            b.putInt(TickRecordDescriptor.BAR_TIMEFRAME_OFFSET, record.barTimeframe, le);
            b.putDouble(TickRecordDescriptor.BAR_SPREAD_OFFSET, record.barSpread, le);
        } else if (record.kind == TickRecordDescriptor.KIND_REPLACE) {
            b.putLong(TickRecordDescriptor.REPLACE_TO_OFFSET, record.replaceToMsc, le);
            b.putLong(TickRecordDescriptor.REPLACE_BEFORE_INDEX_OFFSET, record.replaceBeforeIndex, le);
        } else {
            b.putDouble(TickRecordDescriptor.BID_OFFSET, record.bid, le);
            b.putDouble(TickRecordDescriptor.ASK_OFFSET, record.ask, le);
            b.putDouble(TickRecordDescriptor.LAST_OFFSET, record.last, le);
            b.putLong(TickRecordDescriptor.VOLUME_OFFSET, record.volume, le);
            b.putDouble(TickRecordDescriptor.VOLUME_REAL_OFFSET, record.volumeReal, le);
            b.putLong(TickRecordDescriptor.SEQ_OFFSET, record.seq, le);
            b.putInt(TickRecordDescriptor.FLAGS_OFFSET, record.flags, le);
        }
        b.putByte(TickRecordDescriptor.SYMBOL_LENGTH_OFFSET, (byte) record.symbolLength);
        b.putByte(TickRecordDescriptor.SOURCE_LENGTH_OFFSET, (byte) sourceLength);
        b.putByte(TickRecordDescriptor.VERSION_OFFSET, TickRecordDescriptor.LAYOUT_VERSION);
        b.putByte(TickRecordDescriptor.KIND_OFFSET, record.kind);
        b.putBytes(namesOffset, record.symbol, 0, record.symbolLength);
        b.putBytes(namesOffset + record.symbolLength, record.source, 0, sourceLength);
        return value;
    }

    /**
     * Reads a message value back into {@code record}.
     *
     * @throws IllegalArgumentException for a layout version or kind this code does not know.
     */
    public static void read(final byte[] value, final JournalRecord record) {
        final UnsafeBuffer b = new UnsafeBuffer(value);
        final ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        final byte version = b.getByte(TickRecordDescriptor.VERSION_OFFSET);
        if (version != TickRecordDescriptor.LAYOUT_VERSION) {
            throw new IllegalArgumentException("unknown tick message layout [version=" + version + "]");
        }
        record.kind = b.getByte(TickRecordDescriptor.KIND_OFFSET);
        record.timeMsc = b.getLong(TickRecordDescriptor.TIME_MSC_OFFSET, le);
        record.symbolLength = b.getByte(TickRecordDescriptor.SYMBOL_LENGTH_OFFSET) & 0xFF;
        record.sourceLength = b.getByte(TickRecordDescriptor.SOURCE_LENGTH_OFFSET) & 0xFF;
        final int namesOffset;
        if (record.kind == TickRecordDescriptor.KIND_BAR) {
            record.barOpen = b.getDouble(TickRecordDescriptor.BAR_OPEN_OFFSET, le);
            record.barHigh = b.getDouble(TickRecordDescriptor.BAR_HIGH_OFFSET, le);
            record.barLow = b.getDouble(TickRecordDescriptor.BAR_LOW_OFFSET, le);
            record.barClose = b.getDouble(TickRecordDescriptor.BAR_CLOSE_OFFSET, le);
            record.barRealVolume = b.getDouble(TickRecordDescriptor.BAR_REAL_VOLUME_OFFSET, le);
            record.barTickVolume = b.getLong(TickRecordDescriptor.BAR_TICK_VOLUME_OFFSET, le);
            record.barTimeframe = b.getInt(TickRecordDescriptor.BAR_TIMEFRAME_OFFSET, le);
            record.barSpread = b.getDouble(TickRecordDescriptor.BAR_SPREAD_OFFSET, le);
            record.seq = 0;
            namesOffset = TickRecordDescriptor.BAR_NAMES_OFFSET;
        } else if (record.kind == TickRecordDescriptor.KIND_REPLACE) {
            record.replaceToMsc = b.getLong(TickRecordDescriptor.REPLACE_TO_OFFSET, le);
            record.replaceBeforeIndex = b.getLong(TickRecordDescriptor.REPLACE_BEFORE_INDEX_OFFSET, le);
            record.seq = 0;
            namesOffset = TickRecordDescriptor.NAMES_OFFSET;
        } else if (record.kind == TickRecordDescriptor.KIND_TICK) {
            record.bid = b.getDouble(TickRecordDescriptor.BID_OFFSET, le);
            record.ask = b.getDouble(TickRecordDescriptor.ASK_OFFSET, le);
            record.last = b.getDouble(TickRecordDescriptor.LAST_OFFSET, le);
            record.volume = b.getLong(TickRecordDescriptor.VOLUME_OFFSET, le);
            record.volumeReal = b.getDouble(TickRecordDescriptor.VOLUME_REAL_OFFSET, le);
            record.seq = b.getLong(TickRecordDescriptor.SEQ_OFFSET, le);
            record.flags = b.getInt(TickRecordDescriptor.FLAGS_OFFSET, le);
            namesOffset = TickRecordDescriptor.NAMES_OFFSET;
        } else {
            throw new IllegalArgumentException("unknown tick message kind [kind=" + record.kind + "]");
        }
        b.getBytes(namesOffset, record.symbol, 0, record.symbolLength);
        b.getBytes(namesOffset + record.symbolLength, record.source, 0, record.sourceLength);
    }

    /** @return {@code value} as 8 big-endian bytes, for a header. */
    public static byte[] longBytes(final long value) {
        final byte[] bytes = new byte[Long.BYTES];
        new UnsafeBuffer(bytes).putLong(0, value, ByteOrder.BIG_ENDIAN);
        return bytes;
    }

    /** @return the long of a header written by {@link #longBytes}. */
    public static long longOf(final byte[] bytes) {
        return new UnsafeBuffer(bytes).getLong(0, ByteOrder.BIG_ENDIAN);
    }
}
