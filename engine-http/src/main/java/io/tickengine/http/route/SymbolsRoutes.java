package io.tickengine.http.route;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.tickengine.core.security.Scope;
import io.tickengine.core.symbol.InvalidSymbol;
import io.tickengine.core.symbol.SymbolSpec;
import io.tickengine.core.symbol.SymbolSpecs;
import io.tickengine.core.symbol.SymbolStore;
import io.tickengine.core.tick.NameTable;
import io.tickengine.http.codec.SymbolJson;
import java.util.List;

/**
 * {@code POST /symbols} (scope ingest: the EAs send their symbols' metadata) and {@code GET /symbols[?symbol=]} (scope
 * read; a broker or a canonical name finds the same entries). A body is parsed and checked on the event loop, stored
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
        return route(Scope.INGEST, exchange -> {
            if (!JsonRequests.isJson(exchange)) {
                return;
            }
            final List<SymbolSpec> specs;
            try {
                specs = SymbolJson.read(JsonRequests.body(exchange));
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
        return route(Scope.READ, exchange -> {
            final String symbol;
            try {
                symbol = new QueryParams(exchange.request().uri()).string("symbol", null);
                if (symbol != null && !NameTable.isValid(symbol)) {
                    throw new QueryParams.BadParameter("symbol", "invalid symbol: 1-32 of [A-Za-z0-9._#+-]");
                }
            } catch (final QueryParams.BadParameter e) {
                exchange.respond(Responses.error(
                        exchange.alloc(), HttpResponseStatus.BAD_REQUEST, e.getMessage(), -1, e.parameter()));
                return;
            }
            blocking.run(exchange, "symbols list", () -> {
                final List<SymbolSpec> specs = symbol == null ? store.all() : store.namesOf(symbol);
                return Responses.json(exchange.alloc(), HttpResponseStatus.OK, SymbolJson.write(specs));
            });
        });
    }

    private static io.netty.handler.codec.http.FullHttpResponse badRequest(
            final Exchange exchange, final InvalidSymbol e) {
        return Responses.error(exchange.alloc(), HttpResponseStatus.BAD_REQUEST, e.getMessage(), e.index(), e.field());
    }

    private static Route route(final Scope scope, final java.util.function.Consumer<Exchange> handler) {
        return new Route() {
            @Override
            public Scope scope() {
                return scope;
            }

            @Override
            public void handle(final Exchange exchange) {
                handler.accept(exchange);
            }
        };
    }
}
