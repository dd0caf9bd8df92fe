package io.tickengine.http.route;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.tickengine.core.security.Scope;
import io.tickengine.http.metrics.Observability;

/**
 * {@code GET /metrics}: every metric in the Prometheus text format (OpenMetrics or protobuf when the {@code Accept}
 * header asks). Needs the read scope, or no key when {@code http.metrics.open=true}. The scrape runs on the blocking
 * executor, never on the event loop.
 */
public final class MetricsRoute implements Route {
    private final Observability observability;
    private final Blocking blocking;
    private final boolean open;

    public MetricsRoute(final Observability observability, final Blocking blocking, final boolean open) {
        this.observability = observability;
        this.blocking = blocking;
        this.open = open;
    }

    @Override
    public Scope scope() {
        return open ? null : Scope.READ;
    }

    @Override
    public void handle(final Exchange exchange) {
        final String accept = exchange.request().headers().get(HttpHeaderNames.ACCEPT);
        blocking.run(exchange, "metrics scrape", () -> {
            final Observability.Scrape scrape = observability.scrape(accept);
            final FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(scrape.body()));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, scrape.contentType())
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, scrape.body().length)
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
            return response;
        });
    }
}
