package io.tickengine.http.route;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.tickengine.http.metrics.Observability;
import io.tickengine.http.security.Scope;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: every metric in the Prometheus text format (OpenMetrics or protobuf when the {@code Accept}
 * header asks). Needs the read scope, or no key when {@code http.metrics.open=true}. The scrape runs on the blocking
 * executor, never on the event loop.
 */
public final class MetricsRoute implements Route {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsRoute.class);

    private final Observability observability;
    private final Executor blocking;
    private final boolean open;

    public MetricsRoute(final Observability observability, final Executor blocking, final boolean open) {
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
        try {
            blocking.execute(() -> scrape(exchange, accept));
        } catch (final RejectedExecutionException e) {
            final FullHttpResponse busy =
                    Responses.error(exchange.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "too many queries");
            busy.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            exchange.respond(busy);
        }
    }

    private void scrape(final Exchange exchange, final String accept) {
        Observability.Scrape scrape = null;
        try {
            scrape = observability.scrape(accept);
        } catch (final RuntimeException e) {
            LOG.error("metrics scrape failed", e);
        }
        final Observability.Scrape result = scrape;
        exchange.eventLoop().execute(() -> {
            if (result == null) {
                exchange.respond(Responses.error(
                        exchange.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "metrics scrape failed"));
                return;
            }
            final FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(result.body()));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, result.contentType())
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, result.body().length)
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
            exchange.respond(response);
        });
    }
}
