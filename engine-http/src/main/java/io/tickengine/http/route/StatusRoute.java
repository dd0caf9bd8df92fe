package io.tickengine.http.route;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.tickengine.core.security.Scope;
import io.tickengine.http.metrics.Observability;

/**
 * {@code GET /status}: the status page's figures as JSON (see {@code StatusView}): counters, ring and store health,
 * latency percentiles of the last seconds, tracked symbols. Needs the read scope. Built on the blocking executor
 * (it reads the journal's index files for the replay lag).
 */
public final class StatusRoute implements Route {
    private final Observability observability;
    private final Blocking blocking;

    public StatusRoute(final Observability observability, final Blocking blocking) {
        this.observability = observability;
        this.blocking = blocking;
    }

    @Override
    public Scope scope() {
        return Scope.READ;
    }

    @Override
    public void handle(final Exchange exchange) {
        blocking.run(
                exchange,
                "status",
                () -> Responses.json(
                        exchange.alloc(),
                        HttpResponseStatus.OK,
                        observability.status().toJson()));
    }
}
