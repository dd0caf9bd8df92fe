package io.tickengine.http.route;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.tickengine.core.security.Scope;
import io.tickengine.core.store.TickRow;
import io.tickengine.core.store.TickStore;
import io.tickengine.core.symbol.SymbolSpec;
import io.tickengine.core.symbol.SymbolStore;
import java.util.List;

/**
 * {@code GET /ticks?symbol=&from=&to=&limit=&format=json|csv}: the stored ticks of a symbol in time and arrival
 * order, with the ingest field names; {@code from}/{@code to} in epoch ms, inclusive. The query runs on the blocking
 * executor, never on the event loop. The tick store runs behind the journal: a tick just acknowledged shows here
 * once the tick store has caught up ({@code tick_store_lag_records}).
 *
 * <p>As for {@link CandlesRoute}: a broker name is mapped to its canonical name, and prices are rounded to the
 * symbol's digits when known.
 */
public final class TicksRoute implements Route {
    /** Most ticks one request may ask for. */
    public static final int MAX_LIMIT = 100_000;

    private static final String CSV_HEADER = "symbol,time_msc,bid,ask,last,volume,volume_real,flags,source,seq\n";

    private final TickStore store;
    private final SymbolStore symbols;
    private final Blocking blocking;

    public TicksRoute(final TickStore store, final SymbolStore symbols, final Blocking blocking) {
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
        final RangeQuery query;
        try {
            query = RangeQuery.parse(new QueryParams(exchange.request().uri()), MAX_LIMIT);
        } catch (final QueryParams.BadParameter e) {
            exchange.respond(Responses.badParameter(exchange.alloc(), e));
            return;
        }
        blocking.run(exchange, "tick query", () -> {
            final String stored = symbols.canonical(query.symbol());
            final List<TickRow> rows = store.ticks(stored, query.fromMsc(), query.toMsc(), query.limit());
            final SymbolSpec spec = symbols.specOf(stored);
            return query.csv()
                    ? Responses.body(exchange.alloc(), HttpResponseStatus.OK, toCsv(rows, spec), "text/csv")
                    : Responses.json(exchange.alloc(), HttpResponseStatus.OK, toJson(rows, spec));
        });
    }

    /** @param spec the symbol's digits, or {@code null} for stored values as they are. */
    static StringBuilder toJson(final List<TickRow> rows, final SymbolSpec spec) {
        final StringBuilder json = new StringBuilder(64 + rows.size() * 180).append('[');
        for (int i = 0; i < rows.size(); i++) {
            final TickRow r = rows.get(i);
            json.append(i == 0 ? "" : ",").append("{\"symbol\":");
            Responses.quote(json, r.symbol());
            json.append(",\"time_msc\":")
                    .append(r.timeMsc())
                    .append(",\"bid\":")
                    .append(Prices.rounded(spec, r.bid()))
                    .append(",\"ask\":")
                    .append(Prices.rounded(spec, r.ask()))
                    .append(",\"last\":")
                    .append(Prices.rounded(spec, r.last()))
                    .append(",\"volume\":")
                    .append(r.volume())
                    .append(",\"volume_real\":")
                    .append(r.volumeReal())
                    .append(",\"flags\":")
                    .append(r.flags());
            if (r.source() != null) {
                json.append(",\"source\":");
                Responses.quote(json, r.source());
                json.append(",\"seq\":").append(r.seq());
            }
            json.append('}');
        }
        return json.append(']');
    }

    static StringBuilder toCsv(final List<TickRow> rows, final SymbolSpec spec) {
        final StringBuilder csv = new StringBuilder(CSV_HEADER.length() + rows.size() * 100).append(CSV_HEADER);
        for (final TickRow r : rows) {
            csv.append(r.symbol())
                    .append(',')
                    .append(r.timeMsc())
                    .append(',')
                    .append(Prices.rounded(spec, r.bid()))
                    .append(',')
                    .append(Prices.rounded(spec, r.ask()))
                    .append(',')
                    .append(Prices.rounded(spec, r.last()))
                    .append(',')
                    .append(r.volume())
                    .append(',')
                    .append(r.volumeReal())
                    .append(',')
                    .append(r.flags())
                    .append(',')
                    .append(r.source() == null ? "" : r.source())
                    .append(',')
                    .append(r.source() == null ? "" : Long.toString(r.seq()))
                    .append('\n');
        }
        return csv;
    }
}
