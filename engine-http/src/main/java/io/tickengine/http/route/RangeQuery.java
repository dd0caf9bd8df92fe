package io.tickengine.http.route;

import java.util.Locale;

/**
 * The parameters {@code /candles} and {@code /ticks} share: {@code symbol}, {@code from}/{@code to} (epoch ms,
 * inclusive; page on by asking again from the last time + 1), {@code limit} and {@code format=json|csv}.
 */
record RangeQuery(String symbol, long fromMsc, long toMsc, int limit, boolean csv) {

    /**
     * @throws QueryParams.BadParameter naming the first bad parameter.
     */
    static RangeQuery parse(final QueryParams params, final int maxLimit) {
        final String symbol = params.symbol(true);
        final long from = params.longValue("from", 0, 0, Long.MAX_VALUE);
        final long to = params.longValue("to", Long.MAX_VALUE, 0, Long.MAX_VALUE);
        if (from > to) {
            throw new QueryParams.BadParameter("from", "from must not be after to");
        }
        final int limit = (int) params.longValue("limit", 1000, 1, maxLimit);
        final String format = params.string("format", "json").toLowerCase(Locale.ROOT);
        if (!format.equals("json") && !format.equals("csv")) {
            throw new QueryParams.BadParameter("format", "format must be json or csv");
        }
        return new RangeQuery(symbol, from, to, limit, format.equals("csv"));
    }
}
