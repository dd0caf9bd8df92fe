package io.tickengine.http.importer;

import java.util.Arrays;

/**
 * The fields of one line, as start and end indexes into the line rather than a {@code String} per field. Reused
 * from line to line; spaces around a field are not part of it.
 */
final class Fields {
    private String line = "";
    private int count;
    private int[] starts = new int[16];
    private int[] ends = new int[16];

    /** @return the number of fields in {@code line}, separated by {@code separator}. */
    int split(final String line, final char separator) {
        this.line = line;
        count = 0;
        int start = 0;
        while (true) {
            int end = line.indexOf(separator, start);
            final boolean lastField = end < 0;
            if (lastField) {
                end = line.length();
            }
            add(start, end);
            if (lastField) {
                return count;
            }
            start = end + 1;
        }
    }

    int count() {
        return count;
    }

    String line() {
        return line;
    }

    boolean isEmpty(final int i) {
        return starts[i] == ends[i];
    }

    /** @return field {@code i} as a new string. */
    String text(final int i) {
        return line.substring(starts[i], ends[i]);
    }

    /** @return true if field {@code i} is exactly {@code text}; allocates nothing. */
    boolean textEquals(final int i, final String text) {
        final int length = ends[i] - starts[i];
        return length == text.length() && line.regionMatches(starts[i], text, 0, length);
    }

    /** @throws NumberFormatException if the field is not a decimal integer. */
    long parseLong(final int i) {
        return Long.parseLong(line, starts[i], ends[i], 10);
    }

    /** @throws NumberFormatException if the field is not a decimal integer in {@code int} range. */
    int parseInt(final int i) {
        return Integer.parseInt(line, starts[i], ends[i], 10);
    }

    /** @throws NumberFormatException if the field is not a plain decimal number ({@code 1.5}, {@code -2e-3}). */
    double parseDouble(final int i) {
        if (isEmpty(i)) {
            throw new NumberFormatException("empty");
        }
        // Double.parseDouble also takes "NaN", "Infinity", hex and a "d"/"f" suffix; none belongs in a price file.
        for (int c = starts[i]; c < ends[i]; c++) {
            final char ch = line.charAt(c);
            if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E')) {
                throw new NumberFormatException(text(i));
            }
        }
        return Double.parseDouble(text(i));
    }

    /** @return the digits in {@code [from, to)} of field {@code i} as a number, or -1 if any is not a digit. */
    int digits(final int i, final int from, final int to) {
        final int start = starts[i] + from;
        final int end = starts[i] + to;
        if (end > ends[i]) {
            return -1;
        }
        int value = 0;
        for (int c = start; c < end; c++) {
            final char ch = line.charAt(c);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            value = value * 10 + (ch - '0');
        }
        return value;
    }

    /** @return the character at {@code offset} within field {@code i}, or 0 past its end. */
    char charAt(final int i, final int offset) {
        final int c = starts[i] + offset;
        return c < ends[i] ? line.charAt(c) : 0;
    }

    /** @return the length of field {@code i}. */
    int length(final int i) {
        return ends[i] - starts[i];
    }

    private void add(final int from, final int to) {
        int start = from;
        int end = to;
        while (start < end && line.charAt(start) == ' ') {
            start++;
        }
        while (end > start && line.charAt(end - 1) == ' ') {
            end--;
        }
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
        }
        starts[count] = start;
        ends[count] = end;
        count++;
    }
}
