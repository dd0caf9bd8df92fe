package io.tickengine.core.journal;

import io.tickengine.core.tick.NameTable;

/**
 * Layout of the journal's records, little-endian. One Chronicle document holds one request: its records one after
 * another, each self-delimiting (its names' lengths are in its header), so a reader walks a document to its end
 * ({@link JournalLayout} names each record's index). A journal has one of two record formats, fixed when it is
 * created ({@link JournalLayout#recordFormat()}).
 *
 * <p><b>Format 1, fixed header</b> ({@link JournalLayout#FORMAT_FIXED}). All kinds share the header bytes 60-63; byte
 * 63 tells them apart.
 *
 * <p>Tick ({@link #KIND_TICK}):
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        time_msc (int64)                       |  0
 *  |                          bid (float64)                        |  8
 *  |                          ask (float64)                        | 16
 *  |                          last (float64)                       | 24
 *  |                         volume (int64)                        | 32
 *  |                      volume_real (float64)                    | 40
 *  |                    seq (int64, 0 = none)                      | 48
 *  |                         flags (int32)                         | 56
 *  | symbol length | source length |    version    |  kind = 1     | 60
 *  +---------------------------------------------------------------+
 *  |      symbol bytes (ASCII) ...     |  source bytes (ASCII) ... | 64
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Bar ({@link #KIND_BAR}, from {@code POST /ingest} or a bar import):
 *
 * <pre>
 *  |  open_time_msc (int64) | open | high | low | close (float64)     |  0 .. 39
 *  |  real_volume (float64) | tick_volume (int64) | timeframe (int32) | 40 .. 59
 *  | symbol length |       0       |    version    |  kind = 2     | 60
 *  |          spread (float64, NaN = unknown)         | symbol ...     | 64, 72
 * </pre>
 *
 * <p>Replace ({@link #KIND_REPLACE}, written by {@code tick-engine import} after a file's ticks: ticks of the symbol
 * within {@code [from, to]} journaled before {@code before_index} are void):
 *
 * <pre>
 *  |  from_msc (int64) | to_msc (int64) | before_index (int64) | 0 ...  |  0 .. 59
 *  | symbol length |       0       |    version    |  kind = 3     | 60
 *  |  symbol bytes ...                                                  | 64
 * </pre>
 *
 * <p><b>Format 2, packed ticks</b> ({@link JournalLayout#FORMAT_PACKED}, every journal created since). A record's
 * first byte is its kind. A tick leaves out the fields that are zero and, within a document, the names when they are
 * the tick before's; 38 bytes for an {@code EURUSD} quote with flags against 70 in format 1:
 *
 * <pre>
 *  | kind = 1 |  fields  | symbol length | source length |               0
 *  |                  time_msc (int64)                   |               4
 *  |                     bid (float64)                   |              12
 *  |                     ask (float64)                   |              20
 *  | last | volume | volume_real | seq (8 bytes each) | flags (int32) |  28, each only if its fields bit is set
 *  | symbol bytes | source bytes                                      |  after the fields
 * </pre>
 *
 * The fields byte: {@link #PACKED_LAST}, {@link #PACKED_VOLUME}, {@link #PACKED_VOLUME_REAL}, {@link #PACKED_SEQ},
 * {@link #PACKED_FLAGS} set for each field that is there (a field left out is 0); {@link #PACKED_SAME_NAMES} for a
 * tick whose symbol and source are the record before's in the same document (both lengths are then 0). A bar or a
 * replace is its kind byte followed by the format-1 record.
 *
 * <p>Names are stored rather than interned ids, so a journal is readable by any later process whatever order it
 * interns names in. A source length of 0 means the tick carried no {@code source}.
 */
public final class TickRecordDescriptor {
    public static final int TIME_MSC_OFFSET = 0;
    public static final int BID_OFFSET = 8;
    public static final int ASK_OFFSET = 16;
    public static final int LAST_OFFSET = 24;
    public static final int VOLUME_OFFSET = 32;
    public static final int VOLUME_REAL_OFFSET = 40;
    public static final int SEQ_OFFSET = 48;
    public static final int FLAGS_OFFSET = 56;
    public static final int SYMBOL_LENGTH_OFFSET = 60;
    public static final int SOURCE_LENGTH_OFFSET = 61;
    public static final int VERSION_OFFSET = 62;
    public static final int KIND_OFFSET = 63;
    public static final int NAMES_OFFSET = 64;

    public static final int BAR_OPEN_TIME_OFFSET = 0;
    public static final int BAR_OPEN_OFFSET = 8;
    public static final int BAR_HIGH_OFFSET = 16;
    public static final int BAR_LOW_OFFSET = 24;
    public static final int BAR_CLOSE_OFFSET = 32;
    public static final int BAR_REAL_VOLUME_OFFSET = 40;
    public static final int BAR_TICK_VOLUME_OFFSET = 48;
    public static final int BAR_TIMEFRAME_OFFSET = 56;
    public static final int BAR_SPREAD_OFFSET = 64;
    public static final int BAR_NAMES_OFFSET = 72;

    public static final int REPLACE_FROM_OFFSET = 0;
    public static final int REPLACE_TO_OFFSET = 8;
    public static final int REPLACE_BEFORE_INDEX_OFFSET = 16;

    /** Format 2: a packed tick has its {@code last}. */
    public static final int PACKED_LAST = 1;
    /** Format 2: a packed tick has its {@code volume}. */
    public static final int PACKED_VOLUME = 1 << 1;
    /** Format 2: a packed tick has its {@code volume_real}. */
    public static final int PACKED_VOLUME_REAL = 1 << 2;
    /** Format 2: a packed tick has its {@code seq}. */
    public static final int PACKED_SEQ = 1 << 3;
    /** Format 2: a packed tick has its {@code flags}. */
    public static final int PACKED_FLAGS = 1 << 4;
    /** Format 2: a packed tick's names are those of the record before it in the document. */
    public static final int PACKED_SAME_NAMES = 1 << 7;
    /** Format 2: bits of the fields byte that mean something. */
    public static final int PACKED_KNOWN =
            PACKED_LAST | PACKED_VOLUME | PACKED_VOLUME_REAL | PACKED_SEQ | PACKED_FLAGS | PACKED_SAME_NAMES;
    /** Format 2: length of a packed tick's part that is always there (kind, fields, lengths, time, bid, ask). */
    public static final int PACKED_HEADER_LENGTH = 28;

    /** Bumped on any change of the format-1 layouts; a reader refuses versions it does not know. */
    public static final byte LAYOUT_VERSION = 1;
    /** A tick. */
    public static final byte KIND_TICK = 1;
    /** A whole bar, given rather than built from ticks. */
    public static final byte KIND_BAR = 2;
    /** Ticks of a symbol and time range journaled before it are void (an import replaced them). */
    public static final byte KIND_REPLACE = 3;
    /**
     * A document of exactly {@link #PADDING_LENGTH} bytes holding this value holds no record: written only to move the
     * journal's next index past indices a store already counts as done ({@link TickJournal#continuePast}).
     */
    public static final long PADDING = 0x21474E4944444150L;
    /** The length of a padding document. */
    public static final int PADDING_LENGTH = 8;
    /** Length of the fixed part. */
    public static final int HEADER_LENGTH = NAMES_OFFSET;
    /** Longest record: header and two names of the maximum length. */
    public static final int MAX_LENGTH = HEADER_LENGTH + 2 * NameTable.MAX_LENGTH;

    private TickRecordDescriptor() {}

    /** @return the length of a format-1 tick record with names of these lengths. */
    public static int length(final int symbolLength, final int sourceLength) {
        return HEADER_LENGTH + symbolLength + sourceLength;
    }

    /**
     * @return the length of a format-1 record of {@code kind} with names of these lengths, or -1 for a kind that does
     *     not exist.
     */
    public static int fixedLength(final byte kind, final int symbolLength, final int sourceLength) {
        final int namesOffset = switch (kind) {
            case KIND_TICK, KIND_REPLACE -> NAMES_OFFSET;
            case KIND_BAR -> BAR_NAMES_OFFSET;
            default -> -1;
        };
        return namesOffset < 0 ? -1 : namesOffset + symbolLength + sourceLength;
    }

    /** @return the length of a packed tick record with this fields byte and names of these lengths. */
    public static int packedLength(final int fields, final int symbolLength, final int sourceLength) {
        return PACKED_HEADER_LENGTH
                + Long.BYTES
                        * Integer.bitCount(fields & (PACKED_LAST | PACKED_VOLUME | PACKED_VOLUME_REAL | PACKED_SEQ))
                + ((fields & PACKED_FLAGS) != 0 ? Integer.BYTES : 0)
                + symbolLength
                + sourceLength;
    }
}
