package io.tickengine.core.tick.codec;

import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickField;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads one tick object as the senders write it, or gives up so that {@link JsonTickReader} reads it instead.
 *
 * <p>The senders write every tick alike: no whitespace, keys in one order (the one {@link JsonTickReader} has
 * learnt), names without escapes, plain decimals of at most 18 digits. This reader accepts exactly that and nothing
 * else: whitespace, an unexpected or unknown key, an escape, an exponent, a sign on a price, {@code null}, a value
 * out of range, a tick that fails validation or a name the table refuses all make it return {@link #FALLBACK} having
 * recorded nothing, and the general reader then reads the same bytes again and accepts or rejects them with its own
 * messages. So a fast read can change speed only, never a result.
 *
 * <p>Digits are read eight at a time from one little-endian {@code long}; each number is converted as
 * {@link JsonNumber} converts it (the same significand, power of ten and single IEEE operation), so prices are
 * bit-identical to the general reader's. One instance per parser; not thread-safe.
 */
final class JsonTickFastPath {
    /** The tick must be read by the general reader; nothing was recorded. */
    static final int FALLBACK = -1;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long ZEROS = 0x3030_3030_3030_3030L;
    private static final long HIGH_NIBBLES = 0xF0F0_F0F0_F0F0_F0F0L;
    private static final long SIXES = 0x0606_0606_0606_0606L;
    private static final long LOW_NIBBLES = 0x0F0F_0F0F_0F0F_0F0FL;
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    private static final long QUOTES = 0x2222_2222_2222_2222L;

    /** Digits a significand may have here; as in {@link JsonNumber}, 18 always fit a {@code long}. */
    private static final int MAX_DIGITS = 18;

    private static final long MAX_EXACT_SIGNIFICAND = 1L << 53;
    private static final long[] LONG_POWERS_OF_TEN = new long[MAX_DIGITS + 1];
    /** Exact doubles, as in {@link JsonNumber}. */
    private static final double[] POWERS_OF_TEN = new double[MAX_DIGITS + 1];

    private static final TickField[] FIELDS = TickField.values();
    private static final int REQUIRED = (1 << TickField.SYMBOL.ordinal()) | (1 << TickField.TIME_MSC.ordinal());

    /** Each field's key as written, {@code "name":}, in words: the first, the second and the last 8 (or 4) bytes. */
    private static final int[] KEY_LENGTH = new int[FIELDS.length];

    private static final long[] KEY_HEAD = new long[FIELDS.length];
    private static final long[] KEY_MIDDLE = new long[FIELDS.length];
    private static final long[] KEY_TAIL = new long[FIELDS.length];

    static {
        long power = 1;
        for (int i = 0; i <= MAX_DIGITS; i++) {
            LONG_POWERS_OF_TEN[i] = power;
            POWERS_OF_TEN[i] = power; // exact: below 2^53 up to 10^15, and 10^16..10^18 are exact doubles too
            power *= 10;
        }
        for (final TickField field : FIELDS) {
            final byte[] key = ("\"" + field.wireName() + "\":").getBytes(StandardCharsets.US_ASCII);
            final int n = key.length;
            final int o = field.ordinal();
            KEY_LENGTH[o] = n;
            if (n < Long.BYTES) {
                KEY_HEAD[o] = (int) INT.get(key, 0);
                KEY_TAIL[o] = (int) INT.get(key, n - Integer.BYTES);
            } else {
                KEY_HEAD[o] = (long) LONG.get(key, 0);
                KEY_MIDDLE[o] = n > 2 * Long.BYTES ? (long) LONG.get(key, Long.BYTES) : 0;
                KEY_TAIL[o] = (long) LONG.get(key, n - Long.BYTES);
            }
        }
    }

    private final TickAssembler ticks;
    /** The key order learnt by {@link JsonTickReader}, shared with it; index {@link #atStart} for the first key. */
    private final TickField[] nextKey;

    private final int atStart;

    // The last value read.
    private long digitsValue;
    private long integer;
    private double decimal;
    private int nameStart;
    private int nameLength;
    /** The name's bytes as a little-endian word if it has at most 7, else 0. */
    private long nameWord;

    JsonTickFastPath(final TickAssembler ticks, final TickField[] nextKey, final int atStart) {
        this.ticks = ticks;
        this.nextKey = nextKey;
        this.atStart = atStart;
    }

    /**
     * Reads the tick object whose opening brace is at {@code pos} and appends it.
     *
     * @return the position after its closing brace, or {@link #FALLBACK}.
     */
    int readTick(final byte[] bytes, final int pos, final int end) {
        long timeMsc = 0;
        double bid = 0;
        double ask = 0;
        double last = 0;
        long volume = 0;
        double volumeReal = 0;
        long flags = 0;
        long seq = TickBuffer.NO_SEQ;
        int symbolOffset = 0;
        int symbolLength = 0;
        long symbolWord = 0;
        int sourceOffset = 0;
        long sourceWord = 0;
        int sourceLength = 0;
        int seen = 0;
        int previous = atStart;
        int i = pos + 1;
        while (true) {
            final TickField field = nextKey[previous];
            if (field == null) {
                return FALLBACK;
            }
            final int o = field.ordinal();
            final int bit = 1 << o;
            final int valueStart = i + KEY_LENGTH[o];
            if (valueStart >= end || (seen & bit) != 0 || !isKey(bytes, i, o)) {
                return FALLBACK;
            }
            seen |= bit;
            switch (field) {
                case SYMBOL:
                    i = name(bytes, valueStart, end);
                    symbolOffset = nameStart;
                    symbolLength = nameLength;
                    symbolWord = nameWord;
                    break;
                case SOURCE:
                    i = name(bytes, valueStart, end);
                    sourceOffset = nameStart;
                    sourceLength = nameLength;
                    sourceWord = nameWord;
                    break;
                case TIME_MSC:
                    i = integer(bytes, valueStart, end);
                    timeMsc = integer;
                    break;
                case VOLUME:
                    i = integer(bytes, valueStart, end);
                    volume = integer;
                    break;
                case FLAGS:
                    i = integer(bytes, valueStart, end);
                    flags = integer;
                    break;
                case SEQ:
                    i = integer(bytes, valueStart, end);
                    seq = integer;
                    break;
                case SERVER_OFFSET_S:
                    i = integer(bytes, valueStart, end);
                    break;
                case BID:
                    i = decimal(bytes, valueStart, end);
                    bid = decimal;
                    break;
                case ASK:
                    i = decimal(bytes, valueStart, end);
                    ask = decimal;
                    break;
                case LAST:
                    i = decimal(bytes, valueStart, end);
                    last = decimal;
                    break;
                case VOLUME_REAL:
                    i = decimal(bytes, valueStart, end);
                    volumeReal = decimal;
                    break;
                default:
                    return FALLBACK;
            }
            if (i < 0 || i >= end) {
                return FALLBACK;
            }
            final byte b = bytes[i];
            if (b == '}') {
                break;
            }
            if (b != ',') {
                return FALLBACK;
            }
            previous = o;
            i++;
        }
        if ((seen & REQUIRED) != REQUIRED || flags != (int) flags) {
            return FALLBACK;
        }
        final int result = ticks.appendPredicted(
                bytes,
                symbolOffset,
                symbolLength,
                symbolWord,
                sourceOffset,
                sourceLength,
                sourceWord,
                timeMsc,
                bid,
                ask,
                last,
                volume,
                volumeReal,
                (int) flags,
                seq);
        return result < 0 ? FALLBACK : i + 1;
    }

    /** @return true if {@code bytes} at {@code pos} hold the key of field {@code o}; the caller checked the length. */
    private static boolean isKey(final byte[] bytes, final int pos, final int o) {
        final int n = KEY_LENGTH[o];
        if (n < Long.BYTES) {
            return (int) INT.get(bytes, pos) == (int) KEY_HEAD[o]
                    && (int) INT.get(bytes, pos + n - Integer.BYTES) == (int) KEY_TAIL[o];
        }
        return (long) LONG.get(bytes, pos) == KEY_HEAD[o]
                && (long) LONG.get(bytes, pos + n - Long.BYTES) == KEY_TAIL[o]
                && (n <= 2 * Long.BYTES || (long) LONG.get(bytes, pos + Long.BYTES) == KEY_MIDDLE[o]);
    }

    /**
     * Reads a quoted name of 1 to {@link NameTable#MAX_LENGTH} bytes into {@link #nameStart}, {@link #nameLength}
     * and, for a name of at most 7 bytes, {@link #nameWord}. Its bytes are not checked here: a name is used only if it
     * equals one the table accepted before, or if the table accepts it now.
     */
    private int name(final byte[] bytes, final int pos, final int end) {
        if (bytes[pos] != '"') {
            return FALLBACK;
        }
        final int start = pos + 1;
        if (end - start >= Long.BYTES) {
            final long word = (long) LONG.get(bytes, start);
            final int quote = firstByte(word, QUOTES);
            if (quote < Long.BYTES) {
                if (quote == 0) {
                    return FALLBACK;
                }
                nameStart = start;
                nameLength = quote;
                nameWord = word & ((1L << (quote << 3)) - 1);
                return start + quote + 1;
            }
            if (end - start >= 2 * Long.BYTES) {
                // 8 to 15 bytes, such as an account-numbered source "mt5-1234567".
                final int second = firstByte((long) LONG.get(bytes, start + Long.BYTES), QUOTES);
                if (second < Long.BYTES) {
                    nameStart = start;
                    nameLength = Long.BYTES + second;
                    nameWord = 0;
                    return start + Long.BYTES + second + 1;
                }
            }
        }
        final int limit = Math.min(end, start + NameTable.MAX_LENGTH + 1);
        for (int i = start; i < limit; i++) {
            if (bytes[i] == '"') {
                if (i == start) {
                    return FALLBACK;
                }
                nameStart = start;
                nameLength = i - start;
                nameWord = wordOf(bytes, start, i - start);
                return i + 1;
            }
        }
        return FALLBACK;
    }

    /** @return the name's bytes as a little-endian word if it has at most 7, else 0. */
    static long wordOf(final byte[] name, final int offset, final int length) {
        if (length > RecentNames.WORD_LENGTH) {
            return 0;
        }
        long word = 0;
        for (int i = length - 1; i >= 0; i--) {
            word = (word << 8) | (name[offset + i] & 0xFF);
        }
        return word;
    }

    /** Reads an integer of at most 18 digits, JSON grammar, into {@link #integer}. */
    private int integer(final byte[] bytes, final int pos, final int end) {
        final boolean negative = bytes[pos] == '-';
        final int start = negative ? pos + 1 : pos;
        final int i;
        if (end - start >= 2 * Long.BYTES) {
            // Both words are read at fixed places, so neither load waits for the other's digit count.
            final long first = (long) LONG.get(bytes, start);
            final long second = (long) LONG.get(bytes, start + Long.BYTES);
            final int n = leadingDigits(first);
            if (n < Long.BYTES) {
                if (n == 0) {
                    return FALLBACK;
                }
                digitsValue = digitsValue(first, n);
                i = start + n;
            } else {
                final int m = leadingDigits(second);
                if (m == Long.BYTES) {
                    return FALLBACK; // 16 digits or more: the general reader
                }
                final long high = digitsValue(first, Long.BYTES);
                digitsValue = m == 0 ? high : high * LONG_POWERS_OF_TEN[m] + digitsValue(second, m);
                i = start + Long.BYTES + m;
            }
        } else {
            i = digits(bytes, start, end);
        }
        final int n = i - start;
        if (n == 0 || n > MAX_DIGITS || (n > 1 && bytes[start] == '0')) {
            return FALLBACK;
        }
        integer = negative ? -digitsValue : digitsValue;
        return i;
    }

    /**
     * Reads a decimal without sign or exponent, at most 18 digits in all, into {@link #decimal}, converted exactly as
     * {@link JsonNumber#toDouble()} converts it.
     */
    private int decimal(final byte[] bytes, final int pos, final int end) {
        if (end - pos >= Long.BYTES) {
            // A price such as 1.14273 or 24849.4, dot included, fits one word: its digits are joined over the dot
            // and converted at once. A '.' adds no carry to the digit test, so the second stop is found exactly.
            final long word = (long) LONG.get(bytes, pos);
            final long stops = nonDigits(word);
            final int dot = Long.numberOfTrailingZeros(stops) >>> 3;
            if (dot == 0 || (dot > 1 && (word & 0xFF) == '0')) {
                return FALLBACK;
            }
            if (dot == Long.BYTES) {
                return slowDecimal(bytes, pos, end);
            }
            if (((word >>> (dot << 3)) & 0xFF) != '.') {
                final long whole = digitsValue(word, dot);
                decimal = whole == 0 ? 0.0 : (double) whole * POWERS_OF_TEN[0];
                return pos + dot;
            }
            if (dot == Long.BYTES - 1) {
                return slowDecimal(bytes, pos, end);
            }
            final int stop = Long.numberOfTrailingZeros(stops & (-1L << ((dot + 1) << 3))) >>> 3;
            if (stop == dot + 1) {
                return FALLBACK;
            }
            if (stop == Long.BYTES) {
                return twoWordDecimal(bytes, pos, end, word, dot);
            }
            final long wholeBytes = word & ((1L << (dot << 3)) - 1);
            final long fractionBytes = word & ((1L << (stop << 3)) - 1) & (-1L << ((dot + 1) << 3));
            // The digits in bytes 1 to stop - 1, a zero byte leading: value as stop - 1 digits.
            final long joined = ((wholeBytes << 8) | fractionBytes) & LOW_NIBBLES;
            final long significand = combine(joined << ((Long.BYTES - stop) << 3));
            decimal = significand == 0 ? 0.0 : (double) significand / POWERS_OF_TEN[stop - dot - 1];
            return pos + stop;
        }
        return slowDecimal(bytes, pos, end);
    }

    /**
     * A decimal whose first word holds a dot at {@code dot} (below 7) and digits to its end, such as the EAs'
     * {@code 0.00000000}: the second word, read at a fixed place, adds up to 7 more fraction digits.
     */
    private int twoWordDecimal(final byte[] bytes, final int pos, final int end, final long word, final int dot) {
        if (end - pos < 2 * Long.BYTES) {
            return slowDecimal(bytes, pos, end);
        }
        final long second = (long) LONG.get(bytes, pos + Long.BYTES);
        final int more = leadingDigits(second);
        if (more == Long.BYTES) {
            return slowDecimal(bytes, pos, end);
        }
        final long wholeBytes = word & ((1L << (dot << 3)) - 1);
        final long fractionBytes = word & (-1L << ((dot + 1) << 3));
        // Seven digits from the first word (bytes 1 to 7 once joined over the dot), then up to seven more.
        final long high = combine(((wholeBytes << 8) | fractionBytes) & LOW_NIBBLES);
        final long significand = more == 0 ? high : high * LONG_POWERS_OF_TEN[more] + digitsValue(second, more);
        decimal = significand == 0 ? 0.0 : (double) significand / POWERS_OF_TEN[Long.BYTES - dot - 1 + more];
        return pos + Long.BYTES + more;
    }

    private int slowDecimal(final byte[] bytes, final int pos, final int end) {
        int i = digits(bytes, pos, end);
        final int whole = i - pos;
        if (whole == 0 || (whole > 1 && bytes[pos] == '0')) {
            return FALLBACK;
        }
        long significand = digitsValue;
        int fraction = 0;
        if (i < end && bytes[i] == '.') {
            final int start = i + 1;
            i = digits(bytes, start, end);
            fraction = i - start;
            if (fraction == 0 || whole + fraction > MAX_DIGITS) {
                return FALLBACK;
            }
            significand = significand * LONG_POWERS_OF_TEN[fraction] + digitsValue;
        } else if (whole > MAX_DIGITS) {
            return FALLBACK;
        }
        if (significand == 0) {
            decimal = 0.0;
        } else if (significand > MAX_EXACT_SIGNIFICAND) {
            return FALLBACK;
        } else {
            decimal = fraction == 0
                    ? (double) significand * POWERS_OF_TEN[0]
                    : (double) significand / POWERS_OF_TEN[fraction];
        }
        return i;
    }

    /**
     * Reads the run of ASCII digits at {@code pos} (before {@code end}), eight per step where the array has eight
     * bytes left, into {@link #digitsValue}; its value is meaningful for up to 18 digits.
     *
     * @return the position after the last digit.
     */
    private int digits(final byte[] bytes, final int pos, final int end) {
        long value = 0;
        int i = pos;
        while (bytes.length - i >= Long.BYTES) {
            final long word = (long) LONG.get(bytes, i);
            final int n = Math.min(leadingDigits(word), end - i);
            if (n <= 0) {
                digitsValue = value;
                return i;
            }
            value = value * LONG_POWERS_OF_TEN[n] + digitsValue(word, n);
            i += n;
            if (n < Long.BYTES) {
                digitsValue = value;
                return i;
            }
        }
        // The last bytes of the array: one at a time.
        while (i < end && bytes[i] >= '0' && bytes[i] <= '9') {
            value = value * 10 + (bytes[i] - '0');
            i++;
        }
        digitsValue = value;
        return i;
    }

    /**
     * @return how many of the 8 bytes of {@code word}, first byte lowest, are ASCII digits before the first one that
     *     is not. A byte is a digit if its high nibble is 3 and adding 6 leaves it so; carries from a byte that is not
     *     a digit only reach the bytes after it, which do not count.
     */
    static int leadingDigits(final long word) {
        return Long.numberOfTrailingZeros(nonDigits(word)) >>> 3;
    }

    /**
     * @return {@code word} with a zero byte for each ASCII digit, up to and including the first byte that is not one
     *     (non-zero); later bytes are exact too as long as no byte before them is 0xFA or above.
     */
    private static long nonDigits(final long word) {
        final long highNibble = (word & HIGH_NIBBLES) ^ ZEROS;
        final long lowNibble = ((word + SIXES) & HIGH_NIBBLES) ^ ZEROS;
        return highNibble | lowNibble;
    }

    /** @return the index of the first byte of {@code word} equal to the byte repeated in {@code pattern}, or 8. */
    private static int firstByte(final long word, final long pattern) {
        final long x = word ^ pattern;
        // Exact for the first zero byte: a false hit can only follow a true one.
        return Long.numberOfTrailingZeros((x - ONES) & ~x & HIGH_BITS) >>> 3;
    }

    /**
     * @return the value of the first {@code n} (1 to 8) bytes of {@code word}, all ASCII digits, first byte the most
     *     significant: the digits are moved to the top as if led by zeros, then pairs, quads and octets are combined.
     */
    static long digitsValue(final long word, final int n) {
        return combine(((word & LOW_NIBBLES) << ((Long.BYTES - n) << 3)));
    }

    /** @return the value of 8 bytes of digit values 0 to 9, the first byte the most significant. */
    private static long combine(final long digits) {
        long x = (digits * 10 + (digits >>> 8)) & 0x00FF_00FF_00FF_00FFL;
        x = (x * 100 + (x >>> 16)) & 0x0000_FFFF_0000_FFFFL;
        return (x * 10_000 + (x >>> 32)) & 0xFFFF_FFFFL;
    }
}
