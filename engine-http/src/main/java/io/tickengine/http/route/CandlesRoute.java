package io.tickengine.http.route;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.security.Scope;
import io.tickengine.core.store.CandleRow;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.symbol.SymbolSpec;
import io.tickengine.core.symbol.SymbolStore;
import java.util.List;

/**
 * {@code GET /candles?symbol=&tf=&from=&to=&limit=&format=json|csv}: bars by open time, {@code from}/{@code to} in
 * epoch ms, inclusive. The query runs on the blocking executor, never on the event loop.
 *
 * <p>{@code symbol} may be a broker name ({@code EURUSD.m}): it is mapped to its canonical name by {@link
 * SymbolStore#canonical(String)}. When {@code POST /symbols} told the symbol's digits, prices are rounded to them and
 * {@code spread_points} is the spread in whole points ({@code MqlRates.spread}); {@code spread} stays the stored raw
 * value in price units. Both are computed here, on read: the stored bars are not changed.
 */
public final class CandlesRoute implements Route {
    /** Most bars one request may ask for. */
    public static final int MAX_LIMIT = 100_000;

    private static final String CSV_HEADER =
            "symbol,timeframe,time_msc,open,high,low,close,tick_volume,real_volume,spread,spread_points\n";

    private final CandleStore store;
    private final SymbolStore symbols;
    private final Blocking blocking;

    public CandlesRoute(final CandleStore store, final SymbolStore symbols, final Blocking blocking) {
        this.store = store;
        this.symbols = symbols;
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
            exchange.respond(Responses.badParameter(exchange.alloc(), e));
            return;
        }
        blocking.run(exchange, "candle query", () -> {
            final String stored = symbols.canonical(query.symbol());
            final List<CandleRow> rows = store.candles(stored, tf, query.fromMsc(), query.toMsc(), query.limit());
            final SymbolSpec spec = symbols.specOf(stored);
            return query.csv()
                    ? Responses.body(exchange.alloc(), HttpResponseStatus.OK, toCsv(rows, spec), "text/csv")
                    : Responses.json(exchange.alloc(), HttpResponseStatus.OK, toJson(rows, spec));
        });
    }

    /** @param spec the symbol's digits and point, or {@code null} for stored values as they are. */
    static StringBuilder toJson(final List<CandleRow> rows, final SymbolSpec spec) {
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
                    .append(Prices.rounded(spec, r.open()))
                    .append(",\"high\":")
                    .append(Prices.rounded(spec, r.high()))
                    .append(",\"low\":")
                    .append(Prices.rounded(spec, r.low()))
                    .append(",\"close\":")
                    .append(Prices.rounded(spec, r.close()))
                    .append(",\"tick_volume\":")
                    .append(r.tickVolume())
                    .append(",\"real_volume\":")
                    .append(r.realVolume())
                    .append(",\"spread\":")
                    .append(Double.isNaN(r.spread()) ? "null" : Double.toString(r.spread()))
                    .append(",\"spread_points\":")
                    .append(spec == null || Double.isNaN(r.spread()) ? "null" : Long.toString(spec.points(r.spread())))
                    .append('}');
        }
        return json.append(']');
    }

    static StringBuilder toCsv(final List<CandleRow> rows, final SymbolSpec spec) {
        final StringBuilder csv = new StringBuilder(CSV_HEADER.length() + rows.size() * 100).append(CSV_HEADER);
        for (final CandleRow r : rows) {
            csv.append(r.symbol())
                    .append(',')
                    .append(r.timeframe().name())
                    .append(',')
                    .append(r.openTimeMsc())
                    .append(',')
                    .append(Prices.rounded(spec, r.open()))
                    .append(',')
                    .append(Prices.rounded(spec, r.high()))
                    .append(',')
                    .append(Prices.rounded(spec, r.low()))
                    .append(',')
                    .append(Prices.rounded(spec, r.close()))
                    .append(',')
                    .append(r.tickVolume())
                    .append(',')
                    .append(r.realVolume())
                    .append(',')
                    .append(Double.isNaN(r.spread()) ? "" : r.spread())
                    .append(',')
                    .append(spec == null || Double.isNaN(r.spread()) ? "" : Long.toString(spec.points(r.spread())))
                    .append('\n');
        }
        return csv;
    }
}
