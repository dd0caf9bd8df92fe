package io.tickengine.core.tick.codec;

import java.nio.charset.StandardCharsets;

/**
 * Scans a number in JSON grammar ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}) and converts it to a
 * {@code long} or a correctly rounded {@code double} without allocating.
 *
 * <p>The conversion takes Clinger's exact fast path: a decimal significand below 2<sup>53</sup> and a power of ten
 * up to 10<sup>22</sup> are both exact doubles, so one IEEE multiplication or division rounds the result exactly as
 * {@link Double#parseDouble} does. Anything else (more than 18 significant digits, a larger exponent) falls back to
 * {@code Double.parseDouble} on a {@code String}: rare for tick prices, and that allocation is accepted.
 *
 * <p>A flyweight over the last scanned text: one instance per parser thread.
 */
final class JsonNumber {
    /** Returned by {@link #scan} when the text is not a JSON number. */
    static final int NOT_A_NUMBER = -1;

    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22
    };
    private static final int MAX_FAST_EXPONENT = POWERS_OF_TEN.length - 1;
    private static final long MAX_EXACT_SIGNIFICAND = 1L << 53;
    /** Significant digits kept: 18 always fit a {@code long}. */
    private static final int MAX_DIGITS = 18;
    /** Bounds the exponent accumulator; any larger exponent already means zero or infinity. */
    private static final int EXPONENT_CLAMP = 100_000;

    private static final byte[] NAN = {'n', 'a', 'n'};
    private static final byte[] INFINITY = {'i', 'n', 'f', 'i', 'n', 'i', 't', 'y'};
    private static final byte[] INF = {'i', 'n', 'f'};

    private byte[] bytes;
    private int start;
    private int end;
    private boolean negative;
    private boolean integer;
    /** A non-zero digit beyond {@link #MAX_DIGITS} was dropped: the significand is not exact. */
    private boolean truncated;
    /** The value is {@code significand * 10^exponent}, with the sign apart. */
    private long significand;

    private int exponent;
    private long longValue;
    private boolean longOverflow;

    /**
     * Scans the number starting at {@code bytes[pos]}; the number must end at {@code limit} or at a byte that cannot
     * continue a number (so {@code 01}, {@code 1.5.2} and {@code 0x1} are rejected rather than split).
     *
     * @return the index after the number, or {@link #NOT_A_NUMBER}.
     */
    int scan(final byte[] bytes, final int pos, final int limit) {
        int i = pos;
        final boolean negative = i < limit && bytes[i] == '-';
        if (negative) {
            i++;
        }
        if (i >= limit || !isDigit(bytes[i])) {
            return NOT_A_NUMBER;
        }
        long significand = 0;
        int digits = 0;
        int exponent = 0;
        boolean truncated = false;
        if (bytes[i] == '0') {
            i++;
            if (i < limit && isDigit(bytes[i])) {
                return NOT_A_NUMBER;
            }
        } else {
            do {
                final int digit = bytes[i] - '0';
                if (digits < MAX_DIGITS) {
                    significand = significand * 10 + digit;
                    digits++;
                } else {
                    exponent++;
                    truncated |= digit != 0;
                }
                i++;
            } while (i < limit && isDigit(bytes[i]));
        }
        boolean integer = true;
        if (i < limit && bytes[i] == '.') {
            integer = false;
            i++;
            if (i >= limit || !isDigit(bytes[i])) {
                return NOT_A_NUMBER;
            }
            do {
                final int digit = bytes[i] - '0';
                if (significand == 0 && digit == 0) {
                    exponent--; // a leading zero as in 0.00012 only scales
                } else if (digits < MAX_DIGITS) {
                    significand = significand * 10 + digit;
                    digits++;
                    exponent--;
                } else {
                    truncated |= digit != 0; // trailing zeros change nothing
                }
                i++;
            } while (i < limit && isDigit(bytes[i]));
        }
        if (i < limit && (bytes[i] == 'e' || bytes[i] == 'E')) {
            integer = false;
            i++;
            final boolean negativeExponent = i < limit && bytes[i] == '-';
            if (i < limit && (negativeExponent || bytes[i] == '+')) {
                i++;
            }
            if (i >= limit || !isDigit(bytes[i])) {
                return NOT_A_NUMBER;
            }
            int value = 0;
            do {
                if (value < EXPONENT_CLAMP) {
                    value = value * 10 + (bytes[i] - '0');
                }
                i++;
            } while (i < limit && isDigit(bytes[i]));
            exponent += negativeExponent ? -value : value;
        }
        if (i < limit && continuesNumber(bytes[i])) {
            return NOT_A_NUMBER;
        }
        this.bytes = bytes;
        this.start = pos;
        this.end = i;
        this.negative = negative;
        this.integer = integer;
        this.truncated = truncated;
        this.significand = significand;
        this.exponent = exponent;
        if (integer) {
            toLong();
        }
        return i;
    }

    /** @return true if the last scanned number has neither fraction nor exponent. */
    boolean isInteger() {
        return integer;
    }

    /** @return true if the last scanned integer does not fit a {@code long}. */
    boolean longOverflow() {
        return longOverflow;
    }

    /** @return the last scanned integer; meaningful only if {@link #isInteger()} and not {@link #longOverflow()}. */
    long longValue() {
        return longValue;
    }

    /** @return the last scanned number as the nearest double, equal to {@code Double.parseDouble} of its text. */
    double toDouble() {
        if (significand == 0) {
            return negative ? -0.0 : 0.0;
        }
        if (!truncated
                && significand <= MAX_EXACT_SIGNIFICAND
                && exponent >= -MAX_FAST_EXPONENT
                && exponent <= MAX_FAST_EXPONENT) {
            final double value = exponent < 0
                    ? (double) significand / POWERS_OF_TEN[-exponent]
                    : (double) significand * POWERS_OF_TEN[exponent];
            return negative ? -value : value;
        }
        return Double.parseDouble(new String(bytes, start, end - start, StandardCharsets.US_ASCII));
    }

    /**
     * Recognises the spellings of non-finite values that encoders emit ({@code NaN}, {@code Infinity},
     * {@code -Infinity}; MQL5 prints {@code nan}, {@code inf}, {@code -inf}), so they get their own message.
     *
     * @return the length of such a word at {@code bytes[pos]}, or 0.
     */
    static int nonFiniteLength(final byte[] bytes, final int pos, final int limit) {
        int i = pos;
        if (i < limit && (bytes[i] == '-' || bytes[i] == '+')) {
            i++;
        }
        if (startsWithIgnoreCase(bytes, i, limit, NAN)) {
            return i - pos + NAN.length;
        }
        if (startsWithIgnoreCase(bytes, i, limit, INFINITY)) {
            return i - pos + INFINITY.length;
        }
        if (startsWithIgnoreCase(bytes, i, limit, INF)) {
            return i - pos + INF.length;
        }
        return 0;
    }

    private void toLong() {
        if (exponent == 0 && !truncated) {
            longValue = negative ? -significand : significand;
            longOverflow = false;
            return;
        }
        // 19 digits or more: rare, so a second pass over the text. It accumulates negatively so that
        // Long.MIN_VALUE, whose magnitude has no positive long, still fits.
        long value = 0;
        boolean overflow = false;
        for (int i = negative ? start + 1 : start; i < end; i++) {
            final int digit = bytes[i] - '0';
            if (value < (Long.MIN_VALUE + digit) / 10) {
                overflow = true;
                break;
            }
            value = value * 10 - digit;
        }
        if (!negative && !overflow) {
            overflow = value == Long.MIN_VALUE;
            value = -value;
        }
        longValue = value;
        longOverflow = overflow;
    }

    private static boolean startsWithIgnoreCase(final byte[] bytes, final int pos, final int limit, final byte[] word) {
        if (limit - pos < word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if ((bytes[pos + i] | 0x20) != word[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(final byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean continuesNumber(final byte b) {
        return isDigit(b) || b == '.' || b == '+' || b == '-' || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z');
    }
}
