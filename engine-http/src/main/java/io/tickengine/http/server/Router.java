package io.tickengine.http.server;

import io.netty.handler.codec.http.HttpMethod;
import io.tickengine.http.route.Route;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Exact-path routing by method; knows which methods a path allows (for 405 and {@code Allow}). */
public final class Router {
    private final Map<String, Map<HttpMethod, Route>> routes = new LinkedHashMap<>();
    private final Map<String, Map<HttpMethod, Route>> prefixes = new LinkedHashMap<>();

    /** Adds a route; later additions for the same method and path replace earlier ones. */
    public Router add(final HttpMethod method, final String path, final Route route) {
        routes.computeIfAbsent(path, p -> new TreeMap<>((a, b) -> a.name().compareTo(b.name())))
                .put(method, route);
        return this;
    }

    /** Adds a route for every path that starts with {@code prefix} (e.g. {@code /query/}). */
    public Router addPrefix(final HttpMethod method, final String prefix, final Route route) {
        prefixes.computeIfAbsent(prefix, p -> new TreeMap<>((a, b) -> a.name().compareTo(b.name())))
                .put(method, route);
        return this;
    }

    /** @return the routes of a path by method, or {@code null} if the path is unknown. */
    Map<HttpMethod, Route> byPath(final String path) {
        final Map<HttpMethod, Route> exact = routes.get(path);
        if (exact != null) {
            return exact;
        }
        for (final Map.Entry<String, Map<HttpMethod, Route>> e : prefixes.entrySet()) {
            if (path.startsWith(e.getKey()) && path.length() > e.getKey().length()) {
                return e.getValue();
            }
        }
        return null;
    }
}
