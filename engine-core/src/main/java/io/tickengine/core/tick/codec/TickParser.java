package io.tickengine.core.tick.codec;

import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickField;
import io.tickengine.core.tick.TickValidator;
import java.util.Objects;
import org.agrona.DirectBuffer;

/**
 * Parses a tick request body (JSON, NDJSON or CSV, as the wire contract in {@code SPEC.md} defines them) into a
 * {@link TickBuffer}, validating every tick.
 *
 * <p>Hand-written for the tick path: it allocates nothing per tick, and nothing per request once its buffers have
 * grown to the largest body seen. The one exception is a number with more than 18 significant digits or an exponent
 * beyond 10<sup>&plusmn;22</sup>, converted by {@code Double.parseDouble}. Expected outcomes are result codes, never
 * exceptions: a negative result names the error through {@link #errorIndex()}, {@link #errorField()},
 * {@link #errorMessage()} and {@link #errorPosition()}.
 *
 * <p>Threading: one instance per thread (for example per Netty event loop); not thread-safe. The {@link NameTable}s
 * may be shared by all threads.
 */
public final class TickParser {
    /** The body formats, each with its Content-Type (see {@link #formatOf(CharSequence)}). */
    public enum Format {
        /** One tick object, or an array of them ({@code application/json}). */
        JSON,
        /** One tick object per line ({@code application/x-ndjson}). */
        NDJSON,
        /** A header line, then one tick per line ({@code text/csv}). */
        CSV
    }

    /** Malformed body: JSON or CSV syntax, invalid UTF-8, a bad escape or number. */
    public static final int ERROR_SYNTAX = -1;
    /** A tick failed validation; {@link #errorField()} names the field. */
    public static final int ERROR_INVALID = -2;
    /** More ticks than {@code maxTicks}; parsing stopped at the first one over. */
    public static final int ERROR_TOO_MANY = -3;
    /** No tick in the body: empty, {@code []}, blank lines only, or a CSV header alone. */
    public static final int ERROR_EMPTY = -4;
    /** The symbol or source table is full: a server-side limit, not the client's fault. */
    public static final int ERROR_NAMES_FULL = -5;

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final TickAssembler ticks;
    private final JsonTickReader json;
    private final CsvTickReader csv;
    /** Holds an off-heap body while it is parsed; grows to the largest such body. */
    private byte[] copy = new byte[0];

    /**
     * @param symbols the table symbols are interned in.
     * @param sources the table sources are interned in.
     * @param maxTicks the most ticks one body may hold.
     */
    public TickParser(final NameTable symbols, final NameTable sources, final int maxTicks) {
        this(symbols, sources, maxTicks, true);
    }

    /**
     * @param fastPath false to read every JSON tick the general way, as the parser did before {@link JsonTickFastPath}:
     *     for tests that compare the two.
     */
    TickParser(final NameTable symbols, final NameTable sources, final int maxTicks, final boolean fastPath) {
        Objects.requireNonNull(symbols, "symbols");
        Objects.requireNonNull(sources, "sources");
        if (maxTicks < 1) {
            throw new IllegalArgumentException("maxTicks must be positive [maxTicks=" + maxTicks + "]");
        }
        final JsonNumber number = new JsonNumber();
        ticks = new TickAssembler(symbols, sources, maxTicks);
        json = new JsonTickReader(ticks, new JsonLexer(ticks, number), number, fastPath);
        csv = new CsvTickReader(ticks, number);
    }

    /**
     * Clears {@code out}, then parses {@code body[offset, offset + length)} into it and validates every tick
     * ({@link TickValidator} with {@code nowMsc}, symbol and source syntax through {@link NameTable}).
     *
     * <p>All or nothing: on an error {@code out} may hold the ticks before the failing one, and the caller discards
     * it. Symbols and sources are interned only for ticks that passed validation. The body is only read, and not
     * referenced once this returns.
     *
     * @param nowMsc the current UTC time, for the "not more than a day ahead" rule.
     * @return the tick count ({@code >= 1}), or one of the negative {@code ERROR_*} codes.
     */
    public int parse(
            final DirectBuffer body,
            final int offset,
            final int length,
            final Format format,
            final TickBuffer out,
            final long nowMsc) {
        body.boundsCheck(offset, length);
        out.clear();
        final byte[] bytes;
        final int base;
        final byte[] array = body.byteArray();
        if (array != null) {
            bytes = array;
            base = body.wrapAdjustment() + offset;
        } else {
            if (copy.length < length) {
                copy = new byte[length];
            }
            body.getBytes(offset, copy, 0, length);
            bytes = copy;
            base = 0;
        }
        int start = base;
        int end = base + length;
        // MQL5's StringToCharArray copies the string's terminating NUL into the array, and EAs commonly post the
        // whole array as the body.
        while (end > start && bytes[end - 1] == 0) {
            end--;
        }
        // Some Windows tools write a byte order mark first; it carries no meaning in UTF-8.
        if (end - start >= UTF8_BOM.length
                && bytes[start] == UTF8_BOM[0]
                && bytes[start + 1] == UTF8_BOM[1]
                && bytes[start + 2] == UTF8_BOM[2]) {
            start += UTF8_BOM.length;
        }
        ticks.reset(out, nowMsc, base);
        switch (format) {
            case JSON:
                return json.readDocument(bytes, start, end);
            case NDJSON:
                return json.readLines(bytes, start, end);
            case CSV:
                return csv.read(bytes, start, end);
            default:
                throw new IllegalArgumentException("unknown format [format=" + format + "]");
        }
    }

    /**
     * @return after an error, the 0-based index of the offending tick: for a syntax error, the tick being read
     *     (between ticks, the last one begun), or -1 if no tick had begun.
     */
    public int errorIndex() {
        return ticks.errorIndex();
    }

    /** @return after an error, the offending field, or {@code null} for a syntax error not inside a known field. */
    public TickField errorField() {
        return ticks.errorField();
    }

    /** @return after an error, a short constant message such as {@code "not a number"} or {@code "invalid UTF-8"}. */
    public String errorMessage() {
        return ticks.errorMessage();
    }

    /** @return after an error, the byte offset, relative to the parsed {@code offset}, where it was detected. */
    public int errorPosition() {
        return ticks.errorPosition();
    }

    /**
     * Maps a Content-Type value to a format, ignoring parameters such as {@code ; charset=utf-8} and case:
     * {@code application/json} is {@link Format#JSON}, {@code application/x-ndjson} and {@code application/ndjson}
     * are {@link Format#NDJSON}, {@code text/csv} is {@link Format#CSV}. Allocates nothing.
     *
     * @return the format, or {@code null} if the type is missing or not supported.
     */
    public static Format formatOf(final CharSequence contentType) {
        if (contentType == null) {
            return null;
        }
        int end = contentType.length();
        for (int i = 0; i < end; i++) {
            if (contentType.charAt(i) == ';') {
                end = i;
                break;
            }
        }
        int start = 0;
        while (start < end && isSpace(contentType.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(contentType.charAt(end - 1))) {
            end--;
        }
        if (equalsIgnoreCase(contentType, start, end, "application/json")) {
            return Format.JSON;
        }
        if (equalsIgnoreCase(contentType, start, end, "application/x-ndjson")
                || equalsIgnoreCase(contentType, start, end, "application/ndjson")) {
            return Format.NDJSON;
        }
        if (equalsIgnoreCase(contentType, start, end, "text/csv")) {
            return Format.CSV;
        }
        return null;
    }

    private static boolean isSpace(final char c) {
        return c == ' ' || c == '\t';
    }

    /** @return true if {@code text[start, end)} equals {@code lowerCase}, ignoring ASCII case. */
    private static boolean equalsIgnoreCase(
            final CharSequence text, final int start, final int end, final String lowerCase) {
        if (end - start != lowerCase.length()) {
            return false;
        }
        for (int i = 0; i < lowerCase.length(); i++) {
            char c = text.charAt(start + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
