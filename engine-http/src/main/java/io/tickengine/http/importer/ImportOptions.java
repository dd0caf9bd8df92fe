package io.tickengine.http.importer;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.tick.NameTable;

/**
 * How to read a history file. Start from {@link #defaults()} and change what the command line gives.
 *
 * @param symbol the symbol of files that have no symbol column (MT5 exports); {@code null} takes it from the file
 *     name, the part before the first {@code _} or {@code ,} ({@code EURUSD_20260713_mt5export.csv} is EURUSD).
 *     Ignored for engine CSV, whose rows name their symbol.
 * @param timeframe the timeframe of a bar file; {@code null} takes it from the file name or the bar times (see
 *     {@link BarFileReader}).
 * @param serverOffsetMinutes how far east of UTC the broker's server clock is, in minutes (UTC+3 = 180); MT5 exports
 *     are stamped in server time and are shifted back by this much. Not applied to engine CSV, which is UTC already.
 *     Default 0.
 * @param sessionOffsetMinutes where D1, W1 and MN1 bars start, minutes east of UTC, as in {@link
 *     Timeframe#openTime(long, long)}; MT5 opens them at server midnight, so this is usually equal to {@code
 *     serverOffsetMinutes}. Default 0.
 * @param batchSize most ticks per {@link TickFileReader#next(io.tickengine.core.tick.TickBuffer)} batch; at most the
 *     engine's {@code ring.max.batch}. Default {@value #DEFAULT_BATCH_SIZE}.
 */
public record ImportOptions(
        String symbol, Timeframe timeframe, int serverOffsetMinutes, int sessionOffsetMinutes, int batchSize) {
    /** Ticks per batch unless set. */
    public static final int DEFAULT_BATCH_SIZE = 4096;

    private static final int MAX_OFFSET_MINUTES = 24 * 60 - 1;
    private static final ImportOptions DEFAULTS = new ImportOptions(null, null, 0, 0, DEFAULT_BATCH_SIZE);

    /** @throws IllegalArgumentException naming the first invalid option. */
    public ImportOptions {
        require(symbol == null || NameTable.isValid(symbol), "symbol", symbol, "1-32 of [A-Za-z0-9._#+-]");
        require(
                Math.abs(serverOffsetMinutes) <= MAX_OFFSET_MINUTES,
                "serverOffsetMinutes",
                serverOffsetMinutes,
                "between -1439 and 1439");
        require(
                Math.abs(sessionOffsetMinutes) <= MAX_OFFSET_MINUTES,
                "sessionOffsetMinutes",
                sessionOffsetMinutes,
                "between -1439 and 1439");
        require(batchSize >= 1, "batchSize", batchSize, ">= 1");
    }

    /** @return no symbol or timeframe override, both offsets 0, batches of {@value #DEFAULT_BATCH_SIZE}. */
    public static ImportOptions defaults() {
        return DEFAULTS;
    }

    public ImportOptions withSymbol(final String symbol) {
        return new ImportOptions(symbol, timeframe, serverOffsetMinutes, sessionOffsetMinutes, batchSize);
    }

    public ImportOptions withTimeframe(final Timeframe timeframe) {
        return new ImportOptions(symbol, timeframe, serverOffsetMinutes, sessionOffsetMinutes, batchSize);
    }

    public ImportOptions withServerOffsetMinutes(final int serverOffsetMinutes) {
        return new ImportOptions(symbol, timeframe, serverOffsetMinutes, sessionOffsetMinutes, batchSize);
    }

    public ImportOptions withSessionOffsetMinutes(final int sessionOffsetMinutes) {
        return new ImportOptions(symbol, timeframe, serverOffsetMinutes, sessionOffsetMinutes, batchSize);
    }

    public ImportOptions withBatchSize(final int batchSize) {
        return new ImportOptions(symbol, timeframe, serverOffsetMinutes, sessionOffsetMinutes, batchSize);
    }

    /** @return {@link #serverOffsetMinutes()} in milliseconds. */
    public long serverOffsetMsc() {
        return serverOffsetMinutes * 60_000L;
    }

    /** @return {@link #sessionOffsetMinutes()} in milliseconds. */
    public long sessionOffsetMsc() {
        return sessionOffsetMinutes * 60_000L;
    }

    private static void require(final boolean ok, final String key, final Object value, final String expected) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "invalid import option [key=" + key + ", value=" + value + ", expected=" + expected + "]");
        }
    }
}
