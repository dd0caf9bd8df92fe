package io.tickengine.http.server;

import io.netty.handler.codec.http.HttpMethod;
import io.tickengine.http.route.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Exact-path routing by method; knows which methods a path allows (for 405 and {@code Allow}). */
public final class Router {
    private final Map<String, Map<HttpMethod, Route>> routes = new LinkedHashMap<>();

    /** Adds a route; later additions for the same method and path replace earlier ones. */
    public Router add(final HttpMethod method, final String path, final Route route) {
        routes.computeIfAbsent(path, p -> new TreeMap<>((a, b) -> a.name().compareTo(b.name())))
                .put(method, route);
        return this;
    }

    /** @return every path with a route, in the order they were added. */
    public List<String> paths() {
        return List.copyOf(routes.keySet());
    }

    /** @return the routes of a path by method, or {@code null} if the path is unknown. */
    Map<HttpMethod, Route> byPath(final String path) {
        return routes.get(path);
    }
}
