package io.tickengine.core.tick.codec;

import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickField;
import io.tickengine.core.tick.TickValidator;
import java.nio.charset.StandardCharsets;

/**
 * What the format readers share: the tick being built (its fields, as primitives), its validation and interning, the
 * output buffer, and the outcome of the request, including the error details {@link TickParser} reports.
 *
 * <p>Methods that can fail return {@code 0} on success or the negative result code they recorded. One instance per
 * {@link TickParser}; not thread-safe.
 */
final class TickAssembler {
    static final String NAN_OR_INFINITY = "NaN or Infinity not allowed";
    static final String INVALID_NAME = "invalid name, expected 1-32 of [A-Za-z0-9._#+-]";

    private static final String NOT_A_NUMBER = "not a number";
    private static final String NOT_AN_INTEGER = "not an integer";
    private static final String NOT_A_STRING = "not a string";
    private static final String MISSING_FIELD = "missing field";
    private static final String DUPLICATE_FIELD = "duplicate field";
    private static final String NULL_NOT_ALLOWED = "null not allowed";
    private static final String INTEGER_OVERFLOW = "integer overflow";
    private static final String OUT_OF_RANGE = "number out of range";
    private static final String NO_TICK = "no tick in body";
    private static final String TOO_MANY_TICKS = "too many ticks";
    private static final String SYMBOL_TABLE_FULL = "symbol table full";
    private static final String SOURCE_TABLE_FULL = "source table full";
    private static final String TIME_OUT_OF_RANGE = "time_msc out of range";
    private static final String NEGATIVE_PRICE = "negative price";
    private static final String NEGATIVE_VOLUME = "negative volume";
    private static final String NO_PRICE = "no positive bid, ask or last";
    private static final String UNKNOWN_FLAGS = "unknown flag bits";
    private static final String NEGATIVE_SEQ = "negative seq";
    private static final String SEQ_WITHOUT_SOURCE = "seq without source";
    private static final String INVALID_VALUE = "invalid value";

    private static final int UNRESOLVED = -1;

    /** Cached: {@code TickField.values()} copies its array on every call. */
    private static final TickField[] FIELDS = TickField.values();
    /** The wire name of each field by ordinal; {@code null} for {@link TickField#TICK}, which is not a field. */
    private static final byte[][] WIRE_NAMES = new byte[FIELDS.length][];
    /** Longest wire name, in bytes. */
    static final int MAX_WIRE_NAME_LENGTH;

    static {
        int longest = 0;
        for (final TickField field : FIELDS) {
            if (field != TickField.TICK) {
                WIRE_NAMES[field.ordinal()] = field.wireName().getBytes(StandardCharsets.US_ASCII);
                longest = Math.max(longest, WIRE_NAMES[field.ordinal()].length);
            }
        }
        MAX_WIRE_NAME_LENGTH = longest;
    }

    private final NameTable symbols;
    private final NameTable sources;
    private final int maxTicks;
    private final byte[] symbolScratch = new byte[NameTable.MAX_LENGTH];
    private final byte[] sourceScratch = new byte[NameTable.MAX_LENGTH];
    private final int[] valuePositions = new int[FIELDS.length];
    private final LastName lastSymbol = new LastName();
    private final LastName lastSource = new LastName();
    private final RecentNames recentSymbols = new RecentNames();
    private final RecentNames recentSources = new RecentNames();

    // The request.
    private TickBuffer out;
    private long nowMsc;
    private int base;
    private int started;

    // The tick being built.
    private int tickPosition;
    private int fieldsSeen;
    /** Fields whose value was set, by ordinal bit: their entries of {@link #valuePositions} are current. */
    private int valuesSet;

    private TickField currentField;
    private boolean hasTime;
    private long timeMsc;
    private double bid;
    private double ask;
    private double last;
    private long volume;
    private double volumeReal;
    private int flags;
    private long seq;
    private byte[] symbolBytes;
    private int symbolOffset;
    private int symbolLength;
    /** The symbol's id when it repeats the last one interned, else {@link #UNRESOLVED}. */
    private int symbolId;

    private byte[] sourceBytes;
    private int sourceOffset;
    private int sourceLength;
    private int sourceId;

    // The outcome.
    private int errorIndex;
    private TickField errorField;
    private String errorMessage;
    private int errorPosition;

    TickAssembler(final NameTable symbols, final NameTable sources, final int maxTicks) {
        this.symbols = symbols;
        this.sources = sources;
        this.maxTicks = maxTicks;
    }

    /** Starts a request; positions given later are indexes in the body array, reported relative to {@code base}. */
    void reset(final TickBuffer out, final long nowMsc, final int base) {
        this.out = out;
        this.nowMsc = nowMsc;
        this.base = base;
        started = 0;
        currentField = null;
        errorIndex = -1;
        errorField = null;
        errorMessage = null;
        errorPosition = -1;
    }

    /** @return the tick count if the body held at least one tick, else {@link TickParser#ERROR_EMPTY}. */
    int result(final int position) {
        return out.size() > 0 ? out.size() : fail(TickParser.ERROR_EMPTY, null, NO_TICK, position);
    }

    /** Starts a tick at {@code position}, with every optional field at its default. */
    int beginTick(final int position) {
        if (started == maxTicks) {
            started++; // the error then names the first tick over the limit
            return fail(TickParser.ERROR_TOO_MANY, null, TOO_MANY_TICKS, position);
        }
        started++;
        tickPosition = position;
        fieldsSeen = 0;
        valuesSet = 0;
        currentField = null;
        hasTime = false;
        timeMsc = 0;
        bid = 0;
        ask = 0;
        last = 0;
        volume = 0;
        volumeReal = 0;
        flags = 0;
        seq = TickBuffer.NO_SEQ;
        symbolLength = 0;
        sourceLength = 0;
        return 0;
    }

    /** A named field starts: rejects a field given twice and ties later syntax errors to it. */
    int beginField(final TickField field, final int keyPosition) {
        final int bit = 1 << field.ordinal();
        if ((fieldsSeen & bit) != 0) {
            return invalid(field, DUPLICATE_FIELD, keyPosition);
        }
        fieldsSeen |= bit;
        currentField = field;
        return 0;
    }

    /** Ties later syntax errors to {@code field} (or to none). */
    void focus(final TickField field) {
        currentField = field;
    }

    /** A JSON {@code null}: absent for an optional field. */
    int nullValue(final TickField field, final int position) {
        return field == TickField.SYMBOL || field == TickField.TIME_MSC
                ? invalid(field, NULL_NOT_ALLOWED, position)
                : 0;
    }

    /** @return where a reader may decode an escaped symbol or source; valid until the tick ends. */
    byte[] nameScratch(final TickField field) {
        return field == TickField.SYMBOL ? symbolScratch : sourceScratch;
    }

    /** Sets the symbol or source to {@code bytes[offset, offset + length)}, which must stay untouched until the tick ends. */
    int setName(final TickField field, final byte[] bytes, final int offset, final int length, final int position) {
        final LastName last = field == TickField.SYMBOL ? lastSymbol : lastSource;
        final boolean repeated = last.matches(bytes, offset, length);
        if (!repeated && !NameTable.isValid(bytes, offset, length)) {
            return invalid(field, INVALID_NAME, position);
        }
        setPosition(field, position);
        final int id = repeated ? last.id() : UNRESOLVED;
        if (field == TickField.SYMBOL) {
            symbolBytes = bytes;
            symbolOffset = offset;
            symbolLength = length;
            symbolId = id;
        } else {
            sourceBytes = bytes;
            sourceOffset = offset;
            sourceLength = length;
            sourceId = id;
        }
        return 0;
    }

    /** Sets a field from the number {@code number} last scanned, checking it has the field's type. */
    int setNumber(final TickField field, final JsonNumber number, final int position) {
        setPosition(field, position);
        if (isName(field)) {
            return invalid(field, NOT_A_STRING, position);
        }
        if (isInteger(field)) {
            if (!number.isInteger()) {
                return invalid(field, NOT_AN_INTEGER, position);
            }
            if (number.longOverflow()) {
                return invalid(field, INTEGER_OVERFLOW, position);
            }
            final long value = number.longValue();
            switch (field) {
                case TIME_MSC:
                    timeMsc = value;
                    hasTime = true;
                    break;
                case VOLUME:
                    volume = value;
                    break;
                case FLAGS:
                    if (value != (int) value) {
                        return invalid(field, UNKNOWN_FLAGS, position);
                    }
                    flags = (int) value;
                    break;
                case SEQ:
                    seq = value;
                    break;
                default:
                    break; // server_offset_s: accepted for the EA's convenience; time_msc is already UTC
            }
            return 0;
        }
        final double value = number.toDouble();
        if (Double.isInfinite(value)) {
            return invalid(field, OUT_OF_RANGE, position);
        }
        switch (field) {
            case BID:
                bid = value;
                break;
            case ASK:
                ask = value;
                break;
            case LAST:
                last = value;
                break;
            default:
                volumeReal = value;
                break;
        }
        return 0;
    }

    /** Ends the tick: required fields, the numeric rules, then the names are interned and the tick appended. */
    int endTick(final int position) {
        currentField = null;
        if (symbolLength == 0) {
            return invalid(TickField.SYMBOL, MISSING_FIELD, position);
        }
        if (!hasTime) {
            return invalid(TickField.TIME_MSC, MISSING_FIELD, position);
        }
        // The validator only asks whether a source is present. Names are interned after validation so that a
        // rejected tick never takes a slot in a name table.
        final int provisionalSourceId = sourceLength > 0 ? 0 : TickBuffer.NO_SOURCE;
        final TickField bad = TickValidator.check(
                timeMsc, bid, ask, last, volume, volumeReal, flags, provisionalSourceId, seq, nowMsc);
        if (bad != null) {
            return invalid(bad, reason(bad), positionOf(bad));
        }
        if (symbolId == UNRESOLVED) {
            symbolId = symbols.intern(symbolBytes, symbolOffset, symbolLength);
            if (symbolId < 0) {
                return internFailure(TickField.SYMBOL, symbolId, SYMBOL_TABLE_FULL);
            }
            lastSymbol.remember(symbolBytes, symbolOffset, symbolLength, symbolId);
        }
        if (sourceLength == 0) {
            sourceId = TickBuffer.NO_SOURCE;
        } else if (sourceId == UNRESOLVED) {
            sourceId = sources.intern(sourceBytes, sourceOffset, sourceLength);
            if (sourceId < 0) {
                return internFailure(TickField.SOURCE, sourceId, SOURCE_TABLE_FULL);
            }
            lastSource.remember(sourceBytes, sourceOffset, sourceLength, sourceId);
        }
        out.add(symbolId, timeMsc, bid, ask, last, volume, volumeReal, flags, sourceId, seq);
        return 0;
    }

    /**
     * Appends a tick that {@link JsonTickFastPath} read whole, if it passes every check {@link #beginTick} and
     * {@link #endTick} would make; otherwise records nothing, so that the general reader can read the tick again and
     * report exactly what it reports. Names are 1 to {@link NameTable#MAX_LENGTH} bytes of {@code bytes}; a source of
     * length 0 is absent. A name of at most 7 bytes comes as a little-endian word too (else 0), for
     * {@link RecentNames#find}.
     *
     * @return 0 if the tick was appended, or -1 if it must be read by the general reader.
     */
    int appendPredicted(
            final byte[] bytes,
            final int symbolOffset,
            final int symbolLength,
            final long symbolWord,
            final int sourceOffset,
            final int sourceLength,
            final long sourceWord,
            final long timeMsc,
            final double bid,
            final double ask,
            final double last,
            final long volume,
            final double volumeReal,
            final int flags,
            final long seq) {
        if (started == maxTicks) {
            return -1;
        }
        final int provisionalSourceId = sourceLength > 0 ? 0 : TickBuffer.NO_SOURCE;
        if (TickValidator.check(timeMsc, bid, ask, last, volume, volumeReal, flags, provisionalSourceId, seq, nowMsc)
                != null) {
            return -1;
        }
        final int symbolId =
                predictedId(symbols, recentSymbols, lastSymbol, bytes, symbolOffset, symbolLength, symbolWord);
        if (symbolId < 0) {
            return -1;
        }
        int sourceId = TickBuffer.NO_SOURCE;
        if (sourceLength > 0) {
            sourceId = predictedId(sources, recentSources, lastSource, bytes, sourceOffset, sourceLength, sourceWord);
            if (sourceId < 0) {
                return -1;
            }
        }
        started++;
        out.add(symbolId, timeMsc, bid, ask, last, volume, volumeReal, flags, sourceId, seq);
        return 0;
    }

    /**
     * @return the id of a name, from the recent ones or else interned (and then remembered, as {@link #endTick} does),
     *     or a negative value if the table refused it: the general reader then reports why.
     */
    private static int predictedId(
            final NameTable table,
            final RecentNames recent,
            final LastName last,
            final byte[] bytes,
            final int offset,
            final int length,
            final long word) {
        int id = recent.find(bytes, offset, length, word);
        if (id < 0) {
            id = table.intern(bytes, offset, length);
            if (id >= 0) {
                recent.remember(bytes, offset, length, word, id);
                last.remember(bytes, offset, length, id);
            }
        }
        return id;
    }

    int syntax(final String message, final int position) {
        return fail(TickParser.ERROR_SYNTAX, currentField, message, position);
    }

    int invalid(final TickField field, final String message, final int position) {
        return fail(TickParser.ERROR_INVALID, field, message, position);
    }

    int errorIndex() {
        return errorIndex;
    }

    TickField errorField() {
        return errorField;
    }

    String errorMessage() {
        return errorMessage;
    }

    int errorPosition() {
        return errorPosition;
    }

    /** @return the field named by {@code bytes[offset, offset + length)}, or {@code null} if none is. */
    static TickField fieldOf(final byte[] bytes, final int offset, final int length) {
        if (length == 0) {
            return null;
        }
        // Names are at most 15 bytes: a plain loop beats Arrays.equals' range checks, once length and first byte
        // have ruled out all but one or two candidates.
        final byte first = bytes[offset];
        for (int i = 0; i < WIRE_NAMES.length; i++) {
            final byte[] name = WIRE_NAMES[i];
            if (name != null && name.length == length && name[0] == first && sameTail(name, bytes, offset)) {
                return FIELDS[i];
            }
        }
        return null;
    }

    private static boolean sameTail(final byte[] name, final byte[] bytes, final int offset) {
        for (int i = 1; i < name.length; i++) {
            if (name[i] != bytes[offset + i]) {
                return false;
            }
        }
        return true;
    }

    static boolean isName(final TickField field) {
        return field == TickField.SYMBOL || field == TickField.SOURCE;
    }

    static boolean isInteger(final TickField field) {
        return field == TickField.TIME_MSC
                || field == TickField.VOLUME
                || field == TickField.FLAGS
                || field == TickField.SEQ
                || field == TickField.SERVER_OFFSET_S;
    }

    /** @return the message for a value of the wrong JSON type in {@code field}. */
    static String typeMessage(final TickField field) {
        return isName(field) ? NOT_A_STRING : isInteger(field) ? NOT_AN_INTEGER : NOT_A_NUMBER;
    }

    private int internFailure(final TickField field, final int result, final String fullMessage) {
        // INVALID cannot happen here (setName checked the syntax); kept as a guard rather than an assertion.
        return result == NameTable.FULL
                ? fail(TickParser.ERROR_NAMES_FULL, field, fullMessage, positionOf(field))
                : invalid(field, INVALID_NAME, positionOf(field));
    }

    private void setPosition(final TickField field, final int position) {
        valuePositions[field.ordinal()] = position;
        valuesSet |= 1 << field.ordinal();
    }

    /** @return where the value of {@code field} starts, or the tick's start if it has no value (a default). */
    private int positionOf(final TickField field) {
        return (valuesSet & (1 << field.ordinal())) != 0 ? valuePositions[field.ordinal()] : tickPosition;
    }

    private String reason(final TickField field) {
        switch (field) {
            case TIME_MSC:
                return TIME_OUT_OF_RANGE;
            case BID:
            case ASK:
            case LAST:
                return NEGATIVE_PRICE;
            case VOLUME:
            case VOLUME_REAL:
                return NEGATIVE_VOLUME;
            case TICK:
                return NO_PRICE;
            case FLAGS:
                return UNKNOWN_FLAGS;
            case SEQ:
                return seq < 0 ? NEGATIVE_SEQ : SEQ_WITHOUT_SOURCE;
            default:
                return INVALID_VALUE;
        }
    }

    private int fail(final int code, final TickField field, final String message, final int position) {
        errorIndex = started - 1;
        errorField = field;
        errorMessage = message;
        errorPosition = position - base;
        return code;
    }
}
