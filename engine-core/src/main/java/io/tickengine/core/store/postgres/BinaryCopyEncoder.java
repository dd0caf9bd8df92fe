package io.tickengine.core.store.postgres;

import io.tickengine.core.candle.CandleFlyweight;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.store.StoreBatch;
import io.tickengine.core.store.TickBatch;
import io.tickengine.core.tick.TickBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.agrona.ExpandableArrayBuffer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Encodes a batch's bars, or a tick batch's rows, in PostgreSQL's binary COPY format, into one reusable buffer: no
 * allocation per row.
 *
 * <p>Row layout (network byte order): field count (int16) then, per field, length (int32) and value: symbol
 * (text), timeframe (text), open_time (timestamptz: int64 microseconds since 2000-01-01), open, high, low, close
 * (float8), tick_volume (int8), real_volume (float8), spread (float8, or length -1 for NULL).
 */
public final class BinaryCopyEncoder {
    /** The columns, in encoding order, for the COPY statement. */
    public static final String COLUMNS =
            "symbol, timeframe, open_time, open, high, low, close, tick_volume, real_volume, spread";

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final short FIELD_COUNT = 10;

    /** The columns of {@code ticks}, in encoding order, for the COPY statement. */
    public static final String TICK_COLUMNS =
            "symbol, tick_time, bid, ask, last, volume, volume_real, flags, source, seq, ord";

    private static final short TICK_FIELD_COUNT = 11;
    /** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in Unix epoch milliseconds. */
    private static final long PG_EPOCH_MSC = 946_684_800_000L;

    private static final byte[][] TIMEFRAME_NAMES = new byte[Timeframe.values().length][];

    static {
        for (final Timeframe tf : Timeframe.values()) {
            TIMEFRAME_NAMES[tf.ordinal()] = tf.name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64 * 1024);
    private int length;

    /**
     * Encodes every bar of the batch.
     *
     * @return the number of bytes in {@link #array()}.
     */
    public int encode(final StoreBatch batch) {
        int p = header();
        for (int i = 0, n = batch.candleCount(); i < n; i++) {
            final CandleFlyweight bar = batch.candle(i);
            buffer.putShort(p, FIELD_COUNT, ByteOrder.BIG_ENDIAN);
            p += 2;
            p = putBytes(p, batch.symbols().bytes(bar.symbolId()));
            p = putBytes(p, TIMEFRAME_NAMES[bar.timeframe()]);
            p = putLong(p, (bar.openTimeMsc() - PG_EPOCH_MSC) * 1000L);
            p = putDouble(p, bar.open());
            p = putDouble(p, bar.high());
            p = putDouble(p, bar.low());
            p = putDouble(p, bar.close());
            p = putLong(p, bar.tickVolume());
            p = putDouble(p, bar.realVolume());
            final double spread = bar.spread();
            if (Double.isNaN(spread)) {
                buffer.putInt(p, -1, ByteOrder.BIG_ENDIAN);
                p += 4;
            } else {
                p = putDouble(p, spread);
            }
        }
        return trailer(p);
    }

    /**
     * Encodes every tick row of the batch, in the order of {@link #TICK_COLUMNS}.
     *
     * @return the number of bytes in {@link #array()}.
     */
    public int encode(final TickBatch batch) {
        final TickBuffer ticks = batch.ticks();
        int p = header();
        for (int i = 0, n = ticks.size(); i < n; i++) {
            buffer.putShort(p, TICK_FIELD_COUNT, ByteOrder.BIG_ENDIAN);
            p += 2;
            p = putBytes(p, batch.symbols().bytes(ticks.symbolId(i)));
            p = putLong(p, (ticks.timeMsc(i) - PG_EPOCH_MSC) * 1000L);
            p = putDouble(p, ticks.bid(i));
            p = putDouble(p, ticks.ask(i));
            p = putDouble(p, ticks.last(i));
            p = putLong(p, ticks.volume(i));
            p = putDouble(p, ticks.volumeReal(i));
            buffer.putInt(p, 4, ByteOrder.BIG_ENDIAN);
            buffer.putInt(p + 4, ticks.flags(i), ByteOrder.BIG_ENDIAN);
            p += 8;
            final int sourceId = ticks.sourceId(i);
            if (sourceId == TickBuffer.NO_SOURCE) {
                buffer.putInt(p, -1, ByteOrder.BIG_ENDIAN);
                p += 4;
            } else {
                p = putBytes(p, batch.sources().bytes(sourceId));
            }
            p = putLong(p, ticks.seq(i));
            p = putLong(p, batch.ord(i));
        }
        return trailer(p);
    }

    /**
     * Sends the last encoding with {@code copySql} ({@code COPY ... FROM STDIN (FORMAT binary)}) on the connection,
     * in its transaction.
     *
     * @return the number of rows copied.
     */
    public long copyIn(final Connection connection, final String copySql) throws SQLException {
        final CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        try {
            copy.writeToCopy(buffer.byteArray(), 0, length);
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private int header() {
        int p = 0;
        buffer.putBytes(p, SIGNATURE);
        p += SIGNATURE.length;
        buffer.putInt(p, 0, ByteOrder.BIG_ENDIAN); // flags
        p += 4;
        buffer.putInt(p, 0, ByteOrder.BIG_ENDIAN); // header extension length
        return p + 4;
    }

    private int trailer(final int p) {
        buffer.putShort(p, (short) -1, ByteOrder.BIG_ENDIAN);
        length = p + 2;
        return length;
    }

    /** @return the encoded bytes, valid up to the length {@link #encode} returned. */
    public byte[] array() {
        return buffer.byteArray();
    }

    /** @return the length of the last encoding. */
    public int length() {
        return length;
    }

    private int putBytes(final int p, final byte[] value) {
        buffer.putInt(p, value.length, ByteOrder.BIG_ENDIAN);
        buffer.putBytes(p + 4, value);
        return p + 4 + value.length;
    }

    private int putLong(final int p, final long value) {
        buffer.putInt(p, 8, ByteOrder.BIG_ENDIAN);
        buffer.putLong(p + 4, value, ByteOrder.BIG_ENDIAN);
        return p + 12;
    }

    private int putDouble(final int p, final double value) {
        buffer.putInt(p, 8, ByteOrder.BIG_ENDIAN);
        buffer.putDouble(p + 4, value, ByteOrder.BIG_ENDIAN);
        return p + 12;
    }
}
