package io.tickengine.http.route;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.tickengine.core.query.ViewQuery;
import io.tickengine.core.security.Scope;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /query/{view}?symbol=&from=&to=&limit=}: rows of a whitelisted view, read-only, parameters bound
 * ({@link ViewQuery}). An unknown view is 404.
 */
public final class QueryRoute implements Route {
    /** The path prefix this route serves. */
    public static final String PREFIX = "/query/";

    private final ViewQuery views;
    private final Blocking blocking;

    public QueryRoute(final ViewQuery views, final Blocking blocking) {
        this.views = views;
        this.blocking = blocking;
    }

    @Override
    public Scope scope() {
        return Scope.READ;
    }

    @Override
    public void handle(final Exchange exchange) {
        final String uri = exchange.request().uri();
        final int query = uri.indexOf('?');
        final String view = (query < 0 ? uri : uri.substring(0, query)).substring(PREFIX.length());
        if (!ViewQuery.isView(view)) {
            exchange.respond(Responses.error(
                    exchange.alloc(),
                    HttpResponseStatus.NOT_FOUND,
                    "no such view: market_data, features_m1, labels_m1, trainset_m1, signals or signals_ack"));
            return;
        }
        final QueryParams params = new QueryParams(uri);
        final String symbol;
        final String timeframe;
        final long from;
        final long to;
        final int limit;
        try {
            timeframe = params.string("tf", null);
            if (timeframe != null
                    && (!ViewQuery.hasTimeframe(view)
                            || io.tickengine.core.candle.Timeframe.parse(timeframe) == null)) {
                throw new QueryParams.BadParameter("tf", "tf only for market_data: M1..D1, W1 or MN1");
            }
            symbol = params.symbol(false);
            from = params.longValue("from", 0, 0, Long.MAX_VALUE);
            to = params.longValue("to", Long.MAX_VALUE, 0, Long.MAX_VALUE);
            limit = (int) params.longValue("limit", 1000, 1, ViewQuery.MAX_ROWS);
        } catch (final QueryParams.BadParameter e) {
            exchange.respond(Responses.badParameter(exchange.alloc(), e));
            return;
        }
        blocking.run(exchange, "view query", () -> {
            final List<Map<String, Object>> rows = views.query(
                    view,
                    symbol,
                    timeframe == null
                            ? null
                            : io.tickengine.core.candle.Timeframe.parse(timeframe)
                                    .name(),
                    from,
                    to,
                    limit);
            return Responses.json(exchange.alloc(), HttpResponseStatus.OK, toJson(rows));
        });
    }

    static StringBuilder toJson(final List<Map<String, Object>> rows) {
        final StringBuilder json = new StringBuilder(64 + rows.size() * 200).append('[');
        for (int r = 0; r < rows.size(); r++) {
            json.append(r == 0 ? "{" : ",{");
            boolean first = true;
            for (final Map.Entry<String, Object> e : rows.get(r).entrySet()) {
                if (!first) {
                    json.append(',');
                }
                first = false;
                Responses.quote(json, e.getKey()).append(':');
                final Object v = e.getValue();
                if (v == null) {
                    json.append("null");
                } else if (v instanceof Number n) {
                    final double d = n.doubleValue();
                    json.append(Double.isNaN(d) || Double.isInfinite(d) ? "null" : n.toString());
                } else if (v instanceof Boolean b) {
                    json.append(b);
                } else if (e.getKey().equals("payload")) {
                    json.append(v); // stored JSON
                } else {
                    Responses.quote(json, v.toString());
                }
            }
            json.append('}');
        }
        return json.append(']');
    }
}
