package io.tickengine.core.candle;

/**
 * Layout of a bar, off-heap, little-endian (native order of Agrona's {@code UnsafeBuffer}). The first
 * {@link #STORE_LENGTH} bytes are what travels from the aggregator to the writer (the store reads all but the last
 * tick's time and order); the rest is the aggregator's own bookkeeping.
 *
 * <p>The first cache line holds everything a tick in time order reads or writes: over thousands of symbols the bars
 * are not in the cache, and a tick touches one line per timeframe instead of two. The open time that finds the bar
 * is held by the book beside the symbol ({@code BarBook}), the open price changes only for a tick before the first,
 * and the dirty flag is kept by the book as well.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         high (float64)                        |   0
 *  |                          low (float64)                        |   8
 *  |                        close (float64)                        |  16
 *  |                     real_volume (float64)                     |  24
 *  |          spread (float64, min ask-bid, NaN = unknown)         |  32
 *  |                     tick_volume (int64)                       |  40
 *  |          last tick time_msc (int64), last tick order          |  48, 56
 *  +---------------------- first cache line -----------------------+  64
 *  |                    open_time_msc (int64)                      |  64
 *  |                         open (float64)                        |  72
 *  |        symbol id (int32)      |      timeframe (int32)        |  80
 *  +------------------------- STORE_LENGTH ------------------------+  88
 *  |         first tick time_msc (int64), first tick order         |  88, 96
 *  |           journal index of the first tick applied             | 104
 *  |   symbol watermark just before the first tick was applied     | 112
 *  |          flags (int32)        |   position in live list       | 120
 *  +--------------------------- LENGTH ----------------------------+ 128
 * </pre>
 *
 * A tick's order breaks ties between ticks of the same millisecond: its {@code seq} when it has one, else its
 * journal index.
 */
public final class CandleDescriptor {
    public static final int HIGH_OFFSET = 0;
    public static final int LOW_OFFSET = 8;
    public static final int CLOSE_OFFSET = 16;
    public static final int REAL_VOLUME_OFFSET = 24;
    public static final int SPREAD_OFFSET = 32;
    public static final int TICK_VOLUME_OFFSET = 40;
    public static final int LAST_TIME_OFFSET = 48;
    public static final int LAST_ORDER_OFFSET = 56;
    public static final int OPEN_TIME_OFFSET = 64;
    public static final int OPEN_OFFSET = 72;
    public static final int SYMBOL_ID_OFFSET = 80;
    public static final int TIMEFRAME_OFFSET = 84;
    public static final int STORE_LENGTH = 88;

    public static final int FIRST_TIME_OFFSET = 88;
    public static final int FIRST_ORDER_OFFSET = 96;
    public static final int FIRST_JOURNAL_INDEX_OFFSET = 104;
    public static final int WATERMARK_AT_FIRST_OFFSET = 112;
    public static final int FLAGS_OFFSET = 120;
    public static final int LIVE_POSITION_OFFSET = 124;
    public static final int LENGTH = 128;

    /**
     * Flag: holds ticks an import has voided, so its content is wrong; it is rebuilt from the stored ticks instead
     * of written (when it closes, and when the engine stops).
     */
    public static final int FLAG_REBUILD = 2;

    /** Symbol ids must fit the key's 20 bits. */
    public static final int MAX_SYMBOLS = 1 << 20;

    private CandleDescriptor() {}

    /**
     * Packs a bar's identity into one {@code long}: symbol id (20 bits), timeframe (4 bits), open time in minutes
     * (40 bits). Every bar opens on a whole minute.
     */
    public static long key(final int symbolId, final int timeframe, final long openTimeMsc) {
        return ((long) symbolId << 44) | ((long) timeframe << 40) | (openTimeMsc / 60_000L);
    }
}
