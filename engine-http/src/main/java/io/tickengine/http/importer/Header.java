package io.tickengine.http.importer;

import java.util.Arrays;

/** Finds named columns in a header line, so rows are read by column name, not by position. */
final class Header {
    static final String BAD_HEADER = "bad header";

    private Header() {}

    /**
     * @param names the column names a layout knows, compared ignoring case.
     * @return for each name, its position in the header, or -1 if the header lacks it.
     * @throws ImportException on a column that is not in {@code names} or appears twice.
     */
    static int[] positions(final LineSource source, final Fields header, final String[] names) throws ImportException {
        final int[] positions = new int[names.length];
        Arrays.fill(positions, -1);
        for (int column = 0; column < header.count(); column++) {
            final String text = header.text(column);
            final int known = indexOf(names, text);
            if (known < 0) {
                throw source.error(BAD_HEADER, null, text, "unknown column [column=" + (column + 1) + "]");
            }
            if (positions[known] >= 0) {
                throw source.error(BAD_HEADER, null, text, "duplicate column [column=" + (column + 1) + "]");
            }
            positions[known] = column;
        }
        return positions;
    }

    /** @throws ImportException if the header has no column {@code names[index]}. */
    static void require(final LineSource source, final int[] positions, final String[] names, final int index)
            throws ImportException {
        if (positions[index] < 0) {
            throw source.error(BAD_HEADER, null, names[index], "missing column");
        }
    }

    /**
     * Checks a row has as many fields as the header has columns.
     *
     * @param fieldNames the names errors give to each known column, as in {@code names} of {@link #positions}.
     * @throws ImportException naming the first column a short row lacks.
     */
    static void checkFieldCount(
            final LineSource source,
            final String what,
            final Fields row,
            final int columns,
            final int[] positions,
            final String[] fieldNames)
            throws ImportException {
        final int fields = row.count();
        if (fields == columns) {
            return;
        }
        final String counts = "[fields=" + fields + ", columns=" + columns + "]";
        if (fields > columns) {
            throw source.error(what, null, null, "too many fields " + counts);
        }
        String missing = null;
        int first = Integer.MAX_VALUE;
        for (int i = 0; i < positions.length; i++) {
            if (positions[i] >= fields && positions[i] < first) {
                first = positions[i];
                missing = fieldNames[i];
            }
        }
        throw source.error(what, missing, null, "too few fields " + counts);
    }

    private static int indexOf(final String[] names, final String text) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(text)) {
                return i;
            }
        }
        return -1;
    }
}
