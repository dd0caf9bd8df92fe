package io.tickengine.http.route;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.security.Scope;
import io.tickengine.core.symbol.InvalidSymbol;
import io.tickengine.core.symbol.SymbolJsonReader;
import io.tickengine.core.symbol.SymbolSpec;
import io.tickengine.core.symbol.SymbolSpecs;
import io.tickengine.core.symbol.SymbolStore;
import io.tickengine.http.codec.SymbolJson;
import java.util.List;

/**
 * {@code POST /symbols} (scope ingest: the EAs send their symbols' metadata), {@code GET /symbols[?symbol=]} (scope
 * read; a broker or a canonical name finds the same entries) and {@code GET /symbols/stored} (scope read: the names
 * with stored candles, for the status page's picker). A body is parsed and checked on the event loop, stored
 * all or nothing on the blocking executor: an invalid entry is a 400 naming index and field, and nothing is stored.
 */
public final class SymbolsRoutes {
    private final SymbolStore store;
    private final Blocking blocking;

    public SymbolsRoutes(final SymbolStore store, final Blocking blocking) {
        this.store = store;
        this.blocking = blocking;
    }

    /** @return {@code POST /symbols}: {@code 200 {"stored":n}}. */
    public Route post() {
        return Route.of(Scope.INGEST, exchange -> {
            if (!JsonRequests.isJson(exchange)) {
                return;
            }
            final List<SymbolSpec> specs;
            try {
                specs = SymbolJsonReader.read(JsonRequests.body(exchange));
                SymbolSpecs.check(specs);
            } catch (final InvalidSymbol e) {
                exchange.respond(badRequest(exchange, e));
                return;
            }
            blocking.run(exchange, "symbols upsert", () -> {
                try {
                    store.upsert(specs, System.currentTimeMillis());
                } catch (final InvalidSymbol e) {
                    return badRequest(exchange, e);
                }
                return Responses.json(exchange.alloc(), HttpResponseStatus.OK, "{\"stored\":" + specs.size() + "}");
            });
        });
    }

    /** @return {@code GET /symbols[?symbol=]}: every symbol, or those a broker or canonical name finds. */
    public Route list() {
        return Route.of(Scope.READ, exchange -> {
            final String symbol;
            try {
                symbol = new QueryParams(exchange.request().uri()).symbol(false);
            } catch (final QueryParams.BadParameter e) {
                exchange.respond(Responses.badParameter(exchange.alloc(), e));
                return;
            }
            blocking.run(exchange, "symbols list", () -> {
                final List<SymbolSpec> specs = symbol == null ? store.all() : store.namesOf(symbol);
                return Responses.json(exchange.alloc(), HttpResponseStatus.OK, SymbolJson.write(specs));
            });
        });
    }

    /**
     * @return {@code GET /symbols/stored?tf=[&symbol=]}: every name candles are stored under (imported history
     *     included), each with the open time of its newest bar of {@code tf} ({@code null} when none):
     *     {@code [{"symbol":"BTCUSD","last_msc":1676894340000}]}.
     */
    public Route stored() {
        return Route.of(Scope.READ, exchange -> {
            final QueryParams params = new QueryParams(exchange.request().uri());
            final Timeframe tf;
            final String symbol;
            try {
                tf = Timeframe.parse(params.string("tf", "M1"));
                if (tf == null) {
                    throw new QueryParams.BadParameter(
                            "tf", "unknown timeframe: M1, M5, M15, M30, H1, H4, D1, W1 or MN1");
                }
                symbol = params.symbol(false);
            } catch (final QueryParams.BadParameter e) {
                exchange.respond(Responses.badParameter(exchange.alloc(), e));
                return;
            }
            blocking.run(exchange, "stored symbols", () -> {
                final List<String> names = symbol == null ? store.storedNames() : List.of(store.canonical(symbol));
                final StringBuilder json = new StringBuilder(32 + names.size() * 48).append('[');
                for (int i = 0; i < names.size(); i++) {
                    final long last = store.lastOpenMsc(names.get(i), tf.name());
                    json.append(i == 0 ? "{\"symbol\":" : ",{\"symbol\":");
                    Responses.quote(json, names.get(i));
                    json.append(",\"last_msc\":")
                            .append(last < 0 ? "null" : Long.toString(last))
                            .append('}');
                }
                return Responses.json(exchange.alloc(), HttpResponseStatus.OK, json.append(']'));
            });
        });
    }

    private static io.netty.handler.codec.http.FullHttpResponse badRequest(
            final Exchange exchange, final InvalidSymbol e) {
        return Responses.error(exchange.alloc(), HttpResponseStatus.BAD_REQUEST, e.getMessage(), e.index(), e.field());
    }
}
