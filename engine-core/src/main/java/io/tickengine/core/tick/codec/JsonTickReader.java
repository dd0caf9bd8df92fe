package io.tickengine.core.tick.codec;

import io.tickengine.core.tick.TickField;

/**
 * Reads ticks from JSON (one object or an array of objects) and from NDJSON (one object per line) into a
 * {@link TickAssembler}. Results follow {@link JsonLexer}: a position, or a negative result code already recorded.
 * One instance per parser; not thread-safe.
 *
 * <h2>The senders' key order</h2>
 * Every sender writes its keys in one fixed order (the EAs: {@code symbol, time_msc, bid, ask, ...}), the same in every
 * tick of a batch and every batch. The reader learns that order: after each known key it remembers which key came
 * next, and at the next key it first compares the bytes against {@code "that_key":} and only when they differ scans
 * the string and looks it up. A predicted key thus costs one short comparison instead of an escape-checking scan and
 * a table search; any other order, spacing or escapes read exactly as before, only without the shortcut.
 */
final class JsonTickReader {
    private static final String EXPECTED_OBJECT_OR_ARRAY = "expected object or array";
    private static final String EXPECTED_OBJECT = "expected object";
    private static final String EXPECTED_END_OF_LINE = "expected end of line";
    private static final String TRAILING_CHARACTERS = "trailing characters";

    private final TickAssembler ticks;
    private final JsonLexer lexer;
    private final JsonNumber number;
    private final byte[] keyScratch = new byte[TickAssembler.MAX_WIRE_NAME_LENGTH];
    /** The key seen after each field last time, by its ordinal; {@link #AT_START} for the first key of an object. */
    private final TickField[] nextKey = new TickField[FIELDS.length + 1];
    /** Reads ticks written as the senders write them, or {@code null} to read every tick the general way. */
    private final JsonTickFastPath fastPath;
    /**
     * Ticks of this document in a row that the fast path gave back; at {@link #MAX_FAST_MISSES} it is not tried again
     * until the next document: a sender whose ticks it cannot read (another key order, pretty-printed) pays for a
     * failed attempt twice a request, not on every tick.
     */
    private int fastMisses;
    /** Ticks the fast path gave back since this reader was made, for tests. */
    private long fastFallbacks;

    private static final int MAX_FAST_MISSES = 2;

    private static final TickField[] FIELDS = TickField.values();
    private static final int AT_START = FIELDS.length;
    /** Each field's key as it is written: {@code "name"}. */
    private static final byte[][] QUOTED_KEYS = new byte[FIELDS.length][];

    static {
        for (final TickField field : FIELDS) {
            final byte[] name = field.wireName().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            final byte[] quoted = new byte[name.length + 2];
            quoted[0] = '"';
            System.arraycopy(name, 0, quoted, 1, name.length);
            quoted[quoted.length - 1] = '"';
            QUOTED_KEYS[field.ordinal()] = quoted;
        }
    }

    JsonTickReader(final TickAssembler ticks, final JsonLexer lexer, final JsonNumber number, final boolean fast) {
        this.ticks = ticks;
        this.lexer = lexer;
        this.number = number;
        this.fastPath = fast ? new JsonTickFastPath(ticks, nextKey, AT_START) : null;
    }

    /** @return the ticks the fast path gave back to the general reader since this reader was made. */
    long fastFallbacks() {
        return fastFallbacks;
    }

    /** @return the tick count, or a negative result code. */
    int readDocument(final byte[] bytes, final int start, final int end) {
        fastMisses = 0;
        int pos = JsonLexer.skipWhitespace(bytes, start, end);
        if (pos == end) {
            return ticks.result(pos);
        }
        if (bytes[pos] == '{') {
            pos = readTick(bytes, pos, end);
        } else if (bytes[pos] == '[') {
            pos = readArray(bytes, pos, end);
        } else {
            return ticks.syntax(EXPECTED_OBJECT_OR_ARRAY, pos);
        }
        if (pos < 0) {
            return pos;
        }
        pos = JsonLexer.skipWhitespace(bytes, pos, end);
        return pos == end ? ticks.result(pos) : ticks.syntax(TRAILING_CHARACTERS, pos);
    }

    /**
     * Reads one object per line; blank lines are skipped. An object may span lines (JSON whitespace includes line
     * breaks): harmless leniency, since what follows an object must still be the end of its line.
     *
     * @return the tick count, or a negative result code.
     */
    int readLines(final byte[] bytes, final int start, final int end) {
        fastMisses = 0;
        int pos = start;
        while (true) {
            pos = JsonLexer.skipWhitespace(bytes, pos, end);
            if (pos == end) {
                return ticks.result(pos);
            }
            if (bytes[pos] != '{') {
                return ticks.syntax(EXPECTED_OBJECT, pos);
            }
            pos = readTick(bytes, pos, end);
            if (pos < 0) {
                return pos;
            }
            while (pos < end && (bytes[pos] == ' ' || bytes[pos] == '\t' || bytes[pos] == '\r')) {
                pos++;
            }
            if (pos < end && bytes[pos] != '\n') {
                return ticks.syntax(EXPECTED_END_OF_LINE, pos);
            }
        }
    }

    private int readArray(final byte[] bytes, final int pos, final int end) {
        int i = JsonLexer.skipWhitespace(bytes, pos + 1, end);
        if (i < end && bytes[i] == ']') {
            return i + 1;
        }
        while (true) {
            if (i >= end) {
                return ticks.syntax(JsonLexer.UNEXPECTED_END, end);
            }
            if (bytes[i] != '{') {
                return ticks.syntax(EXPECTED_OBJECT, i);
            }
            i = readTick(bytes, i, end);
            if (i < 0) {
                return i;
            }
            i = JsonLexer.skipWhitespace(bytes, i, end);
            if (i >= end) {
                return ticks.syntax(JsonLexer.UNEXPECTED_END, end);
            }
            if (bytes[i] == ']') {
                return i + 1;
            }
            if (bytes[i] != ',') {
                return ticks.syntax(JsonLexer.EXPECTED_COMMA_OR_BRACKET, i);
            }
            i = JsonLexer.skipWhitespace(bytes, i + 1, end);
        }
    }

    /** Reads the tick object whose opening brace is at {@code pos}. */
    private int readTick(final byte[] bytes, final int pos, final int end) {
        if (fastPath != null && fastMisses < MAX_FAST_MISSES) {
            final int next = fastPath.readTick(bytes, pos, end);
            if (next >= 0) {
                fastMisses = 0;
                return next;
            }
            fastMisses++;
            fastFallbacks++;
        }
        int result = ticks.beginTick(pos);
        if (result < 0) {
            return result;
        }
        int i = JsonLexer.skipWhitespace(bytes, pos + 1, end);
        if (i < end && bytes[i] == '}') {
            result = ticks.endTick(i);
            return result < 0 ? result : i + 1;
        }
        int previous = AT_START;
        while (true) {
            if (i >= end) {
                return ticks.syntax(JsonLexer.UNEXPECTED_END, end);
            }
            if (bytes[i] != '"') {
                return ticks.syntax(JsonLexer.EXPECTED_FIELD_NAME, i);
            }
            final int keyPosition = i;
            final TickField predicted = nextKey[previous];
            final TickField field;
            if (predicted != null && isKey(QUOTED_KEYS[predicted.ordinal()], bytes, i, end)) {
                field = predicted;
                i += QUOTED_KEYS[predicted.ordinal()].length;
            } else {
                i = lexer.scanString(bytes, i, end);
                if (i < 0) {
                    return i;
                }
                field = fieldOfKey(bytes);
                if (field != null) {
                    nextKey[previous] = field;
                }
            }
            if (field != null) {
                previous = field.ordinal();
            }
            i = JsonLexer.skipWhitespace(bytes, i, end);
            if (i >= end) {
                return ticks.syntax(JsonLexer.UNEXPECTED_END, end);
            }
            if (bytes[i] != ':') {
                return ticks.syntax(JsonLexer.EXPECTED_COLON, i);
            }
            i = JsonLexer.skipWhitespace(bytes, i + 1, end);
            if (i >= end) {
                return ticks.syntax(JsonLexer.UNEXPECTED_END, end);
            }
            if (field == null) {
                i = lexer.skipValue(bytes, i, end, 0);
            } else {
                result = ticks.beginField(field, keyPosition);
                if (result < 0) {
                    return result;
                }
                i = readValue(field, bytes, i, end);
                ticks.focus(null);
            }
            if (i < 0) {
                return i;
            }
            i = JsonLexer.skipWhitespace(bytes, i, end);
            if (i >= end) {
                return ticks.syntax(JsonLexer.UNEXPECTED_END, end);
            }
            if (bytes[i] == '}') {
                result = ticks.endTick(i);
                return result < 0 ? result : i + 1;
            }
            if (bytes[i] != ',') {
                return ticks.syntax(JsonLexer.EXPECTED_COMMA_OR_BRACE, i);
            }
            i = JsonLexer.skipWhitespace(bytes, i + 1, end);
        }
    }

    /** Reads the value at {@code pos} (before {@code end}) of a known field. */
    private int readValue(final TickField field, final byte[] bytes, final int pos, final int end) {
        final byte b = bytes[pos];
        if ((b >= '0' && b <= '9') || (b == '-' && pos + 1 < end && bytes[pos + 1] >= '0' && bytes[pos + 1] <= '9')) {
            final int next = number.scan(bytes, pos, end);
            if (next < 0) {
                return ticks.syntax(JsonLexer.BAD_NUMBER, pos);
            }
            final int result = ticks.setNumber(field, number, pos);
            return result < 0 ? result : next;
        }
        if (b == '"') {
            final int next = lexer.scanString(bytes, pos, end);
            if (next < 0) {
                return next;
            }
            final int result =
                    TickAssembler.isName(field) ? readName(field, bytes, pos) : quotedNumber(field, bytes, pos);
            return result < 0 ? result : next;
        }
        if (b == 'n' && end - pos >= 2 && bytes[pos + 1] == 'u') {
            final int next = lexer.nullLiteral(bytes, pos, end);
            if (next < 0) {
                return next;
            }
            final int result = ticks.nullValue(field, pos);
            return result < 0 ? result : next;
        }
        if (b == 't' || b == 'f') {
            final int next = lexer.booleanLiteral(bytes, pos, end);
            return next < 0 ? next : ticks.invalid(field, TickAssembler.typeMessage(field), pos);
        }
        if (b == '{' || b == '[') {
            return ticks.invalid(field, TickAssembler.typeMessage(field), pos);
        }
        // Not JSON, but what encoders write for non-finite doubles: worth a message of its own.
        if (JsonNumber.nonFiniteLength(bytes, pos, end) > 0) {
            return ticks.invalid(field, TickAssembler.NAN_OR_INFINITY, pos);
        }
        return ticks.syntax(
                b == '-' || b == '+' || b == '.' ? JsonLexer.BAD_NUMBER : JsonLexer.UNEXPECTED_CHARACTER, pos);
    }

    private int readName(final TickField field, final byte[] bytes, final int pos) {
        final int start = lexer.stringStart();
        if (!lexer.stringEscaped()) {
            return ticks.setName(field, bytes, start, lexer.stringEnd() - start, pos);
        }
        final byte[] scratch = ticks.nameScratch(field);
        final int length = lexer.decodeString(bytes, scratch);
        return length < 0
                ? ticks.invalid(field, TickAssembler.INVALID_NAME, pos)
                : ticks.setName(field, scratch, 0, length, pos);
    }

    /** A string where a number belongs: a type error, with its own message for a quoted NaN or Infinity. */
    private int quotedNumber(final TickField field, final byte[] bytes, final int pos) {
        final int start = lexer.stringStart();
        final int length = lexer.stringEnd() - start;
        final boolean nonFinite = length > 0 && JsonNumber.nonFiniteLength(bytes, start, start + length) == length;
        return ticks.invalid(field, nonFinite ? TickAssembler.NAN_OR_INFINITY : TickAssembler.typeMessage(field), pos);
    }

    /** @return true if {@code bytes} at {@code pos} hold {@code quoted} (a key with its quotes). */
    private static boolean isKey(final byte[] quoted, final byte[] bytes, final int pos, final int end) {
        final int n = quoted.length;
        if (end - pos < n) {
            return false;
        }
        for (int k = 1; k < n; k++) {
            if (bytes[pos + k] != quoted[k]) {
                return false;
            }
        }
        return true;
    }

    private TickField fieldOfKey(final byte[] bytes) {
        if (!lexer.stringEscaped()) {
            return TickAssembler.fieldOf(bytes, lexer.stringStart(), lexer.stringEnd() - lexer.stringStart());
        }
        // Rare: a key spelled with escapes, such as "\u0062id", still names its field.
        final int length = lexer.decodeString(bytes, keyScratch);
        return length < 0 ? null : TickAssembler.fieldOf(keyScratch, 0, length);
    }
}
