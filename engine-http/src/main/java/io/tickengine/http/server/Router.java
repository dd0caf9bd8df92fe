package io.tickengine.http.server;

import io.netty.handler.codec.http.HttpMethod;
import io.tickengine.http.route.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Exact-path routing by method; knows which methods a path allows (for 405 and {@code Allow}). */
public final class Router {
    private final Map<String, Map<HttpMethod, Route>> routes = new LinkedHashMap<>();
    private final Map<String, Map<HttpMethod, Route>> prefixes = new LinkedHashMap<>();
    /** Prefix to its pattern, e.g. {@code /query/ -> /query/*}: the label of every path under it. */
    private final Map<String, String> patterns = new LinkedHashMap<>();

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
        patterns.put(prefix, prefix + "*");
        return this;
    }

    /** @return every exact path and every prefix pattern ({@code /query/*}), in the order they were added. */
    public List<String> paths() {
        final List<String> paths = new ArrayList<>(routes.keySet());
        paths.addAll(patterns.values());
        return List.copyOf(paths);
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

    /**
     * @return what a path is routed by: the path itself for an exact route, the prefix's pattern ({@code /query/*})
     *     for a prefix route, or {@code null} if unknown. A bounded set, fit for a metric label. Allocates nothing.
     */
    String pattern(final String path) {
        if (routes.containsKey(path)) {
            return path;
        }
        for (final Map.Entry<String, String> e : patterns.entrySet()) {
            if (path.startsWith(e.getKey()) && path.length() > e.getKey().length()) {
                return e.getValue();
            }
        }
        return null;
    }
}
