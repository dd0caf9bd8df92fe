package io.tickengine.http.importer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The history file layouts the importer reads, told apart by their header line. */
public enum FileFormat {
    /**
     * The engine's tick CSV, as on the wire: header {@code symbol,time_msc,bid,ask,last,volume,flags}, optionally
     * with {@code volume_real}, {@code source} and {@code seq}, in any order; {@code time_msc} in UTC.
     */
    ENGINE_CSV(','),
    /**
     * MT5 "Export ticks": tab separated, {@code <DATE> <TIME> <BID> <ASK> <LAST> <VOLUME> <FLAGS>}, server time, a
     * price left empty when it did not change.
     */
    MT5_TICKS('\t'),
    /**
     * MT5 "Export bars": tab separated, {@code <DATE> <TIME> <OPEN> <HIGH> <LOW> <CLOSE> <TICKVOL> <VOL> <SPREAD>},
     * server time; {@code <TIME>} may be absent for D1 and longer bars.
     */
    MT5_BARS('\t');

    private final char separator;

    FileFormat(final char separator) {
        this.separator = separator;
    }

    /** @return the column separator. */
    public char separator() {
        return separator;
    }

    /** @return true for the tick layouts, false for bars. */
    public boolean isTicks() {
        return this != MT5_BARS;
    }

    /**
     * Tells the layout from a header line.
     *
     * @return the format, or {@code null} if the line is no header the importer knows.
     */
    public static FileFormat detect(final String headerLine) {
        final String header = headerLine.startsWith("\uFEFF") ? headerLine.substring(1) : headerLine;
        if (header.startsWith("<")) {
            boolean prices = false;
            boolean bars = false;
            for (final String column : header.split("\t", -1)) {
                final String name = column.trim().toUpperCase(Locale.ROOT);
                prices |= name.equals("<BID>") || name.equals("<ASK>");
                bars |= name.equals("<OPEN>");
            }
            return prices == bars ? null : prices ? MT5_TICKS : MT5_BARS;
        }
        boolean symbol = false;
        boolean timeMsc = false;
        for (final String column : header.split(",", -1)) {
            final String name = column.trim().toLowerCase(Locale.ROOT);
            symbol |= name.equals("symbol");
            timeMsc |= name.equals("time_msc");
        }
        return symbol && timeMsc ? ENGINE_CSV : null;
    }

    /**
     * Tells the layout of a file from its first non-blank line, read as UTF-8 or, with a byte order mark, UTF-16.
     *
     * @return the format, or {@code null} if the file is empty or its first line is no known header.
     */
    public static FileFormat detect(final Path file) throws IOException {
        try (LineSource source = LineSource.open(file)) {
            final String header = source.nextLine();
            return header == null ? null : detect(header);
        }
    }
}
