package io.tickengine.core.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.queue.RollCycle;

/**
 * How journal indices name records: one Chronicle document per request, so a record's index is its document's
 * Chronicle index shifted left by {@link #recordBits()} plus its position in the document. Indices keep the order of
 * the records, across documents and roll cycles, so everything downstream (the aggregator's order within a
 * millisecond, {@code ord} in {@code ticks}, checkpoints, replay-from points, the mirror's shipped index) uses them as
 * it would a Chronicle index.
 *
 * <p>The number of bits comes from the roll cycle: what Chronicle's largest index (the last message of the last cycle
 * in 2100) leaves free of a positive {@code long}, at most {@link #MAX_RECORD_BITS}: 15 on {@code FAST_DAILY}
 * (32,768 records per document), 10 on {@code FAST_HOURLY}. A request may not carry more records than a document
 * holds ({@code ring.max.batch} is capped to it).
 *
 * <p>The layout is fixed when a journal is created and kept in the file {@value #FILE} beside it, with the format of
 * its records ({@link #recordFormat()}, see {@link TickRecordDescriptor}): a journal keeps the format it was created
 * with, so an engine of this version goes on writing an older journal as it was written. A journal written before
 * documents held whole requests (cycle files but no such file) keeps one record per document, with the record index
 * equal to the Chronicle index ({@link #isLegacy()}), so that the checkpoints its store holds keep their meaning.
 */
public final class JournalLayout {
    /** The file in the journal's directory that fixes the layout. */
    public static final String FILE = "journal.layout";
    /** At most this many bits of a record index number a record within its document. */
    public static final int MAX_RECORD_BITS = 15;

    /** Records with a fixed 64-byte header ({@link TickRecordDescriptor}); every journal made before format 2. */
    public static final int FORMAT_FIXED = 1;
    /** Ticks packed: only the fields that are not zero, names given once for a run of ticks of the same names. */
    public static final int FORMAT_PACKED = 2;

    private static final String KEY = "record.bits=";
    private static final String FORMAT_KEY = "record.format=";
    private static final long YEAR_2100_MSC = 4_102_444_800_000L;

    private final int recordBits;
    private final long recordMask;
    private final int recordFormat;

    private JournalLayout(final int recordBits, final int recordFormat) {
        this.recordBits = recordBits;
        this.recordMask = (1L << recordBits) - 1;
        this.recordFormat = recordFormat;
    }

    /** @return the layout with one record per document, record index = Chronicle index, fixed-header records. */
    public static JournalLayout legacy() {
        return new JournalLayout(0, FORMAT_FIXED);
    }

    /** @return the layout a journal created now on {@code cycle} gets: packed records. */
    public static JournalLayout forRollCycle(final RollCycle cycle) {
        return new JournalLayout(recordBitsFor(cycle), FORMAT_PACKED);
    }

    private static int recordBitsFor(final RollCycle cycle) {
        final int lastCycle = (int) (YEAR_2100_MSC / cycle.lengthInMillis());
        final long largest = cycle.toIndex(lastCycle, cycle.maxMessagesPerCycle() - 1L);
        final int free = Long.numberOfLeadingZeros(largest) - 1;
        return Math.max(0, Math.min(MAX_RECORD_BITS, free));
    }

    /**
     * Reads the layout of the journal in {@code dir}, or fixes it now if the journal is new.
     *
     * @param hasCycleFiles true if the directory holds cycle files already.
     */
    static JournalLayout open(final Path dir, final RollCycle cycle, final boolean hasCycleFiles) throws IOException {
        final Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            final JournalLayout layout = read(dir);
            if (layout.recordBits > recordBitsFor(cycle)) {
                throw new JournalException("journal layout does not fit the roll cycle [file=" + file + ", recordBits="
                        + layout.recordBits + ", rollCycle=" + cycle + "]");
            }
            return layout;
        }
        if (hasCycleFiles) {
            return legacy();
        }
        final JournalLayout layout = forRollCycle(cycle);
        Files.writeString(
                file,
                KEY + layout.recordBits + "\n" + FORMAT_KEY + layout.recordFormat + "\n",
                StandardCharsets.US_ASCII);
        return layout;
    }

    /**
     * Reads the layout of the journal in {@code dir} without fixing one: {@link #legacy()} when the file is missing.
     * For tools that read a journal another process owns (backup).
     */
    public static JournalLayout read(final Path dir) throws IOException {
        final Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return legacy();
        }
        final String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        int bits = -1;
        // A layout file without a format line was written before packed records: fixed-header records.
        int format = FORMAT_FIXED;
        try {
            for (final String line : text.split("\n")) {
                if (line.startsWith(KEY)) {
                    bits = Integer.parseInt(line.substring(KEY.length()).trim());
                } else if (line.startsWith(FORMAT_KEY)) {
                    format =
                            Integer.parseInt(line.substring(FORMAT_KEY.length()).trim());
                } else {
                    bits = -1;
                    break;
                }
            }
        } catch (final NumberFormatException e) {
            bits = -1;
        }
        if (bits < 0 || bits > MAX_RECORD_BITS) {
            throw new JournalException("unreadable journal layout [file=" + file + ", text=" + text + "]");
        }
        if (format != FORMAT_FIXED && format != FORMAT_PACKED) {
            throw new JournalException("journal record format unknown to this version [file=" + file + ", format="
                    + format + ", known=" + FORMAT_FIXED + ".." + FORMAT_PACKED + "]");
        }
        return new JournalLayout(bits, format);
    }

    /** @return the bits of a record index that number a record within its document (0: one record per document). */
    public int recordBits() {
        return recordBits;
    }

    /** @return {@link #FORMAT_FIXED} or {@link #FORMAT_PACKED}: how the journal's records are laid out. */
    public int recordFormat() {
        return recordFormat;
    }

    /** @return true if ticks are packed ({@link #FORMAT_PACKED}). */
    public boolean isPacked() {
        return recordFormat == FORMAT_PACKED;
    }

    /** @return true if every record is its own document (a journal written before this layout). */
    public boolean isLegacy() {
        return recordBits == 0;
    }

    /** @return the most records one document holds. */
    public int maxRecordsPerDocument() {
        return isLegacy() ? Integer.MAX_VALUE : 1 << recordBits;
    }

    /** @return the index of record {@code record} (from 0) of the document at Chronicle index {@code document}. */
    public long recordIndex(final long document, final int record) {
        return (document << recordBits) | record;
    }

    /** @return the Chronicle index of the document that holds the record at {@code recordIndex} (non-negative). */
    public long documentIndex(final long recordIndex) {
        return recordIndex >> recordBits;
    }

    /** @return the position within its document of the record at {@code recordIndex} (non-negative). */
    public int recordInDocument(final long recordIndex) {
        return (int) (recordIndex & recordMask);
    }
}
