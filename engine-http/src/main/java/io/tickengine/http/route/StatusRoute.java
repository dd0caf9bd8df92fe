package io.tickengine.http.route;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.tickengine.http.metrics.Observability;
import io.tickengine.http.security.Scope;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /status}: the status page's figures as JSON (see {@code StatusView}): counters, ring and store health,
 * latency percentiles of the last seconds, tracked symbols. Needs the read scope. Built on the blocking executor
 * (it reads the journal's index files for the replay lag).
 */
public final class StatusRoute implements Route {
    private static final Logger LOG = LoggerFactory.getLogger(StatusRoute.class);

    private final Observability observability;
    private final Executor blocking;

    public StatusRoute(final Observability observability, final Executor blocking) {
        this.observability = observability;
        this.blocking = blocking;
    }

    @Override
    public Scope scope() {
        return Scope.READ;
    }

    @Override
    public void handle(final Exchange exchange) {
        try {
            blocking.execute(() -> build(exchange));
        } catch (final RejectedExecutionException e) {
            final FullHttpResponse busy =
                    Responses.error(exchange.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "too many queries");
            busy.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            exchange.respond(busy);
        }
    }

    private void build(final Exchange exchange) {
        StringBuilder json = null;
        try {
            json = observability.status().toJson();
        } catch (final RuntimeException e) {
            LOG.error("status failed", e);
        }
        final StringBuilder result = json;
        exchange.eventLoop()
                .execute(() -> exchange.respond(
                        result == null
                                ? Responses.error(
                                        exchange.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "status failed")
                                : Responses.json(exchange.alloc(), HttpResponseStatus.OK, result)));
    }
}
