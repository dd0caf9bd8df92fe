package io.tickengine.http.route;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.security.Scope;
import io.tickengine.core.store.CandleRow;
import io.tickengine.core.store.CandleStore;
import java.util.List;

/**
 * {@code GET /candles?symbol=&tf=&from=&to=&limit=&format=json|csv}: bars by open time, {@code from}/{@code to} in
 * epoch ms, inclusive. The query runs on the blocking executor, never on the event loop.
 */
public final class CandlesRoute implements Route {
    /** Most bars one request may ask for. */
    public static final int MAX_LIMIT = 100_000;

    private static final String CSV_HEADER =
            "symbol,timeframe,time_msc,open,high,low,close,tick_volume,real_volume,spread\n";

    private final CandleStore store;
    private final Blocking blocking;

    public CandlesRoute(final CandleStore store, final Blocking blocking) {
        this.store = store;
        this.blocking = blocking;
    }

    @Override
    public Scope scope() {
        return Scope.READ;
    }

    @Override
    public void handle(final Exchange exchange) {
        final QueryParams params = new QueryParams(exchange.request().uri());
        final RangeQuery query;
        final Timeframe tf;
        try {
            query = RangeQuery.parse(params, MAX_LIMIT);
            tf = Timeframe.parse(params.string("tf", "M1"));
            if (tf == null) {
                throw new QueryParams.BadParameter("tf", "unknown timeframe: M1, M5, M15, M30, H1, H4, D1, W1 or MN1");
            }
        } catch (final QueryParams.BadParameter e) {
            exchange.respond(Responses.error(
                    exchange.alloc(), HttpResponseStatus.BAD_REQUEST, e.getMessage(), -1, e.parameter()));
            return;
        }
        blocking.run(exchange, "candle query", () -> {
            final List<CandleRow> rows =
                    store.candles(query.symbol(), tf, query.fromMsc(), query.toMsc(), query.limit());
            return query.csv()
                    ? Responses.body(exchange.alloc(), HttpResponseStatus.OK, toCsv(rows), "text/csv")
                    : Responses.json(exchange.alloc(), HttpResponseStatus.OK, toJson(rows));
        });
    }

    static StringBuilder toJson(final List<CandleRow> rows) {
        final StringBuilder json = new StringBuilder(64 + rows.size() * 160).append('[');
        for (int i = 0; i < rows.size(); i++) {
            final CandleRow r = rows.get(i);
            json.append(i == 0 ? "" : ",").append("{\"symbol\":");
            Responses.quote(json, r.symbol());
            json.append(",\"timeframe\":\"")
                    .append(r.timeframe().name())
                    .append("\",\"time_msc\":")
                    .append(r.openTimeMsc())
                    .append(",\"open\":")
                    .append(r.open())
                    .append(",\"high\":")
                    .append(r.high())
                    .append(",\"low\":")
                    .append(r.low())
                    .append(",\"close\":")
                    .append(r.close())
                    .append(",\"tick_volume\":")
                    .append(r.tickVolume())
                    .append(",\"real_volume\":")
                    .append(r.realVolume())
                    .append(",\"spread\":")
                    .append(Double.isNaN(r.spread()) ? "null" : Double.toString(r.spread()))
                    .append('}');
        }
        return json.append(']');
    }

    static StringBuilder toCsv(final List<CandleRow> rows) {
        final StringBuilder csv = new StringBuilder(CSV_HEADER.length() + rows.size() * 100).append(CSV_HEADER);
        for (final CandleRow r : rows) {
            csv.append(r.symbol())
                    .append(',')
                    .append(r.timeframe().name())
                    .append(',')
                    .append(r.openTimeMsc())
                    .append(',')
                    .append(r.open())
                    .append(',')
                    .append(r.high())
                    .append(',')
                    .append(r.low())
                    .append(',')
                    .append(r.close())
                    .append(',')
                    .append(r.tickVolume())
                    .append(',')
                    .append(r.realVolume())
                    .append(',')
                    .append(Double.isNaN(r.spread()) ? "" : r.spread())
                    .append('\n');
        }
        return csv;
    }
}
