package io.tickengine.http.importer;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.time.ServerTimeZone;

/**
 * How to read a history file. Start from {@link #defaults()} and change what the command line gives.
 *
 * @param symbol the symbol of files that have no symbol column (MT5 exports); {@code null} takes it from the file
 *     name, the part before the first {@code _} or {@code ,} ({@code EURUSD_20260713_mt5export.csv} is EURUSD).
 *     Ignored for engine CSV, whose rows name their symbol.
 * @param timeframe the timeframe of a bar file; {@code null} takes it from the file name or the bar times (see
 *     {@link BarFileReader}).
 * @param serverTz the broker's server time zone: MT5 exports are stamped in server time, and each time is converted
 *     to UTC with the offset in force at that time, so a file that spans a daylight-saving switch comes out right on
 *     both sides. Not applied to engine CSV, which is UTC already. Default {@link ServerTimeZone#UTC}.
 * @param sessionOffsetMinutes where D1, W1 and MN1 bars start, minutes east of UTC, as in {@link
 *     Timeframe#openTime(long, long)}; MT5 opens them at server midnight, so this is usually the standard
 *     (winter) offset of {@code serverTz}. Default 0.
 * @param batchSize most ticks per {@link TickFileReader#next(io.tickengine.core.tick.TickBuffer)} batch; at most the
 *     engine's {@code ring.max.batch}. Default {@value #DEFAULT_BATCH_SIZE}.
 */
public record ImportOptions(
        String symbol, Timeframe timeframe, ServerTimeZone serverTz, int sessionOffsetMinutes, int batchSize) {
    /** Ticks per batch unless set. */
    public static final int DEFAULT_BATCH_SIZE = 4096;

    private static final int MAX_OFFSET_MINUTES = 24 * 60 - 1;
    /** {@link java.time.ZoneOffset}'s range. */
    private static final int MAX_SERVER_OFFSET_MINUTES = 18 * 60;

    private static final ImportOptions DEFAULTS =
            new ImportOptions(null, null, ServerTimeZone.UTC, 0, DEFAULT_BATCH_SIZE);

    /** @throws IllegalArgumentException naming the first invalid option. */
    public ImportOptions {
        require(symbol == null || NameTable.isValid(symbol), "symbol", symbol, "1-32 of [A-Za-z0-9._#+-]");
        require(serverTz != null, "serverTz", null, "a time zone");
        require(
                Math.abs(sessionOffsetMinutes) <= MAX_OFFSET_MINUTES,
                "sessionOffsetMinutes",
                sessionOffsetMinutes,
                "between -1439 and 1439");
        require(batchSize >= 1, "batchSize", batchSize, ">= 1");
    }

    /** @return no symbol or timeframe override, server time UTC, session offset 0, batches of {@value #DEFAULT_BATCH_SIZE}. */
    public static ImportOptions defaults() {
        return DEFAULTS;
    }

    public ImportOptions withSymbol(final String symbol) {
        return new ImportOptions(symbol, timeframe, serverTz, sessionOffsetMinutes, batchSize);
    }

    public ImportOptions withTimeframe(final Timeframe timeframe) {
        return new ImportOptions(symbol, timeframe, serverTz, sessionOffsetMinutes, batchSize);
    }

    public ImportOptions withServerTz(final ServerTimeZone serverTz) {
        return new ImportOptions(symbol, timeframe, serverTz, sessionOffsetMinutes, batchSize);
    }

    /**
     * A server clock at a fixed offset, which is right only for a file that spans no daylight-saving switch: prefer
     * {@link #withServerTz(ServerTimeZone)}.
     */
    public ImportOptions withServerOffsetMinutes(final int serverOffsetMinutes) {
        require(
                Math.abs(serverOffsetMinutes) <= MAX_SERVER_OFFSET_MINUTES,
                "serverOffsetMinutes",
                serverOffsetMinutes,
                "between -1080 and 1080");
        return withServerTz(ServerTimeZone.ofOffsetMinutes(serverOffsetMinutes));
    }

    public ImportOptions withSessionOffsetMinutes(final int sessionOffsetMinutes) {
        return new ImportOptions(symbol, timeframe, serverTz, sessionOffsetMinutes, batchSize);
    }

    public ImportOptions withBatchSize(final int batchSize) {
        return new ImportOptions(symbol, timeframe, serverTz, sessionOffsetMinutes, batchSize);
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
