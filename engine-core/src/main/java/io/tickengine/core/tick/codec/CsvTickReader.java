package io.tickengine.core.tick.codec;

import io.tickengine.core.tick.TickField;

/**
 * Reads ticks from CSV: a header line naming the columns (any order; {@code symbol} and {@code time_msc} required),
 * then one tick per line with the same number of fields. An empty field is the field's default; blank lines are
 * skipped; {@code \r\n} is accepted. Symbols and sources cannot contain commas or quotes, so quoting is not supported
 * and a quote is rejected. One instance per parser; not thread-safe.
 */
final class CsvTickReader {
    private static final String UNKNOWN_COLUMN = "unknown column";
    private static final String DUPLICATE_COLUMN = "duplicate column";
    private static final String MISSING_COLUMN = "header needs symbol and time_msc";
    private static final String QUOTE_NOT_SUPPORTED = "quoted field not supported";
    private static final String TOO_MANY_FIELDS = "more fields than header columns";
    private static final String TOO_FEW_FIELDS = "fewer fields than header columns";

    private static final int REQUIRED_COLUMNS = (1 << TickField.SYMBOL.ordinal()) | (1 << TickField.TIME_MSC.ordinal());

    private final TickAssembler ticks;
    private final JsonNumber number;
    /** The field of each header column; each field at most once, so the wire names bound its length. */
    private final TickField[] columns = new TickField[TickField.values().length];

    private int columnCount;

    CsvTickReader(final TickAssembler ticks, final JsonNumber number) {
        this.ticks = ticks;
        this.number = number;
    }

    /** @return the tick count, or a negative result code. */
    int read(final byte[] bytes, final int start, final int end) {
        boolean header = true;
        int pos = start;
        while (true) {
            int i = pos;
            while (i < end && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r')) {
                i++;
            }
            if (i == end) {
                return ticks.result(end);
            }
            if (bytes[i] == '\n') {
                pos = i + 1;
                continue;
            }
            pos = header ? readHeader(bytes, pos, end) : readRow(bytes, pos, end);
            if (pos < 0) {
                return pos;
            }
            header = false;
        }
    }

    /** @return the position after the header line, or a negative result code. */
    private int readHeader(final byte[] bytes, final int pos, final int end) {
        columnCount = 0;
        int seen = 0;
        int fieldStart = pos;
        while (true) {
            final int fieldEnd = scanField(bytes, fieldStart, end);
            if (fieldEnd < 0) {
                return fieldEnd;
            }
            final int valueEnd = trimCarriageReturn(bytes, fieldStart, fieldEnd, end);
            final TickField field = TickAssembler.fieldOf(bytes, fieldStart, valueEnd - fieldStart);
            if (field == null) {
                return ticks.syntax(UNKNOWN_COLUMN, fieldStart);
            }
            final int bit = 1 << field.ordinal();
            if ((seen & bit) != 0) {
                return ticks.syntax(DUPLICATE_COLUMN, fieldStart);
            }
            seen |= bit;
            columns[columnCount++] = field;
            if (fieldEnd == end || bytes[fieldEnd] == '\n') {
                if ((seen & REQUIRED_COLUMNS) != REQUIRED_COLUMNS) {
                    return ticks.syntax(MISSING_COLUMN, pos);
                }
                return fieldEnd == end ? end : fieldEnd + 1;
            }
            fieldStart = fieldEnd + 1;
        }
    }

    /** @return the position after the row's line, or a negative result code. */
    private int readRow(final byte[] bytes, final int pos, final int end) {
        int result = ticks.beginTick(pos);
        if (result < 0) {
            return result;
        }
        int column = 0;
        int fieldStart = pos;
        while (true) {
            if (column == columnCount) {
                return ticks.syntax(TOO_MANY_FIELDS, fieldStart);
            }
            final TickField field = columns[column++];
            ticks.focus(field);
            final int fieldEnd = scanField(bytes, fieldStart, end);
            if (fieldEnd < 0) {
                return fieldEnd;
            }
            result = readField(field, bytes, fieldStart, trimCarriageReturn(bytes, fieldStart, fieldEnd, end));
            ticks.focus(null);
            if (result < 0) {
                return result;
            }
            if (fieldEnd == end || bytes[fieldEnd] == '\n') {
                if (column < columnCount) {
                    return ticks.syntax(TOO_FEW_FIELDS, fieldEnd);
                }
                result = ticks.endTick(pos);
                if (result < 0) {
                    return result;
                }
                return fieldEnd == end ? end : fieldEnd + 1;
            }
            fieldStart = fieldEnd + 1;
        }
    }

    private int readField(final TickField field, final byte[] bytes, final int start, final int end) {
        if (start == end) {
            return 0;
        }
        if (TickAssembler.isName(field)) {
            return ticks.setName(field, bytes, start, end - start, start);
        }
        if (number.scan(bytes, start, end) == end) {
            return ticks.setNumber(field, number, start);
        }
        final boolean nonFinite = JsonNumber.nonFiniteLength(bytes, start, end) == end - start;
        return ticks.invalid(
                field, nonFinite ? TickAssembler.NAN_OR_INFINITY : TickAssembler.typeMessage(field), start);
    }

    /** @return where the field starting at {@code pos} ends (a comma, a line feed or {@code end}), or an error. */
    private int scanField(final byte[] bytes, final int pos, final int end) {
        int i = pos;
        while (i < end) {
            final byte b = bytes[i];
            if (b == ',' || b == '\n') {
                return i;
            }
            if (b == '"') {
                return ticks.syntax(QUOTE_NOT_SUPPORTED, i);
            }
            if (b < 0) {
                final int next = Utf8.skipSequence(bytes, i, end);
                if (next < 0) {
                    return ticks.syntax(JsonLexer.INVALID_UTF8, i);
                }
                i = next;
            } else {
                i++;
            }
        }
        return i;
    }

    /** @return {@code fieldEnd}, less the {@code \r} of a {@code \r\n} line end. */
    private static int trimCarriageReturn(final byte[] bytes, final int fieldStart, final int fieldEnd, final int end) {
        final boolean atLineEnd = fieldEnd == end || bytes[fieldEnd] == '\n';
        return atLineEnd && fieldEnd > fieldStart && bytes[fieldEnd - 1] == '\r' ? fieldEnd - 1 : fieldEnd;
    }
}
