package io.tickengine.edge.forward;

import io.tickengine.core.tick.TickBuffer;
import java.sql.SQLException;

/**
 * Encodes a batch of stored ticks as the body of one {@code POST /ingest/tick} in the engine's CSV format, with the
 * agent's id as {@code source} and the row's seq as {@code seq} on every line.
 *
 * <p>CSV rather than JSON: a third of the bytes, and the engine parses it faster. A zero price or volume is left
 * empty (the field's default), which shortens most FX lines further. Doubles are written by
 * {@link StringBuilder#append(double)}, whose digits read back to the same double, so the engine sees exactly the
 * values the EA sent.
 *
 * <p>Reused for every batch: the text and byte buffers grow to the largest batch and stay. One thread.
 */
public final class CsvBody {
    /** The CSV header line, naming the columns in the order they are written. */
    public static final String HEADER = "symbol,time_msc,bid,ask,last,volume,volume_real,flags,source,seq\n";

    private final StringBuilder text = new StringBuilder(1 << 16);
    private byte[] bytes = new byte[1 << 16];
    private int length;

    /** Encodes every tick of {@code ticks}, replacing the previous body. */
    public void encode(final TickBuffer ticks, final SymbolNames names, final String source) throws SQLException {
        text.setLength(0);
        text.append(HEADER);
        for (int i = 0, n = ticks.size(); i < n; i++) {
            text.append(names.name(ticks.symbolId(i))).append(',');
            text.append(ticks.timeMsc(i)).append(',');
            appendUnlessZero(ticks.bid(i));
            appendUnlessZero(ticks.ask(i));
            appendUnlessZero(ticks.last(i));
            if (ticks.volume(i) != 0) {
                text.append(ticks.volume(i));
            }
            text.append(',');
            appendUnlessZero(ticks.volumeReal(i));
            text.append(ticks.flags(i)).append(',');
            text.append(source).append(',');
            text.append(ticks.seq(i)).append('\n');
        }
        toBytes();
    }

    /** @return the body; valid up to {@link #length()} until the next {@link #encode}. */
    public byte[] bytes() {
        return bytes;
    }

    /** @return the body's length in bytes. */
    public int length() {
        return length;
    }

    private void appendUnlessZero(final double value) {
        // Only +0.0 is left empty: the field's default reads back as +0.0, and -0.0 must stay what it was.
        if (Double.doubleToRawLongBits(value) != 0) {
            text.append(value);
        }
        text.append(',');
    }

    private void toBytes() {
        length = text.length();
        if (bytes.length < length) {
            bytes = new byte[Math.max(length, bytes.length * 2)];
        }
        // Every character is ASCII: validated symbol and source names, digits, signs, '.', 'E', ',' and '\n'.
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) text.charAt(i);
        }
    }
}
