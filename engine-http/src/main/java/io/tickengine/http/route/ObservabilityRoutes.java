package io.tickengine.http.route;

import io.netty.handler.codec.http.HttpMethod;
import io.tickengine.http.metrics.Observability;
import io.tickengine.http.server.Router;

/**
 * The observability endpoints: {@code /metrics}, the status page ({@code /}, its script and style) and its data
 * ({@code /status}).
 */
public final class ObservabilityRoutes {
    private static final String PAGE = "/io/tickengine/http/status/";

    private ObservabilityRoutes() {}

    /**
     * Adds the routes, then registers every path the router knows so far with the request counters (so their
     * series are there before the first request).
     *
     * @param metricsOpen serve {@code /metrics} without a key ({@code http.metrics.open}).
     */
    public static void register(
            final Router router,
            final Observability observability,
            final Blocking blocking,
            final boolean metricsOpen) {
        router.add(HttpMethod.GET, "/metrics", new MetricsRoute(observability, blocking, metricsOpen))
                .add(HttpMethod.GET, "/status", new StatusRoute(observability, blocking))
                .add(HttpMethod.GET, "/", new StaticRoute(PAGE + "index.html", "text/html; charset=utf-8"))
                .add(
                        HttpMethod.GET,
                        "/status.js",
                        new StaticRoute(PAGE + "status.js", "text/javascript; charset=utf-8"))
                .add(HttpMethod.GET, "/status.css", new StaticRoute(PAGE + "status.css", "text/css; charset=utf-8"));
        for (final String path : router.paths()) {
            observability.http().routeIndex(path);
        }
    }
}
