package io.tickengine.core.journal;

import io.tickengine.core.tick.NameTable;

/**
 * Layout of one tick in the Chronicle journal: one document per tick, little-endian.
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
 *  | symbol length | source length |        layout version         | 60
 *  +---------------------------------------------------------------+
 *  |      symbol bytes (ASCII) ...     |  source bytes (ASCII) ... | 64
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * Names are stored rather than interned ids, so a journal is readable by any later process whatever order it
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
    public static final int NAMES_OFFSET = 64;

    /** Bumped on any change of this layout; a reader refuses versions it does not know. */
    public static final short LAYOUT_VERSION = 1;
    /** Length of the fixed part. */
    public static final int HEADER_LENGTH = NAMES_OFFSET;
    /** Longest record: header and two names of the maximum length. */
    public static final int MAX_LENGTH = HEADER_LENGTH + 2 * NameTable.MAX_LENGTH;

    private TickRecordDescriptor() {}

    /** @return the length of a record with names of these lengths. */
    public static int length(final int symbolLength, final int sourceLength) {
        return HEADER_LENGTH + symbolLength + sourceLength;
    }
}
