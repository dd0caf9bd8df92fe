package io.tickengine.http.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.tickengine.http.route.Responses;
import java.util.List;
import java.util.Set;

/**
 * CORS for the origins in {@code http.cors.origins}: a preflight ({@code OPTIONS} with {@code Origin} and
 * {@code Access-Control-Request-Method}) from one of them is answered {@code 200} with the allowed methods and
 * headers; from any other origin (every origin when none is configured) {@code 403}, so a browser's refusal is not
 * mistaken for a missing endpoint. Other answers to a configured origin carry {@code Access-Control-Allow-Origin}.
 *
 * <p>Answered by {@link ApiHandler} like any request, so preflights keep request order too. Immutable; shared.
 */
final class CorsPolicy {
    private static final String METHODS = "GET,POST,OPTIONS";
    private static final String HEADERS = "Content-Type," + ApiHandler.API_KEY_HEADER;

    private final Set<String> origins;

    CorsPolicy(final List<String> origins) {
        this.origins = Set.copyOf(origins);
    }

    /** @return true for a CORS preflight, which no route sees. */
    static boolean isPreflight(final HttpRequest request) {
        return request.method().equals(HttpMethod.OPTIONS)
                && request.headers().contains(HttpHeaderNames.ORIGIN)
                && request.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    }

    /** @return the answer to a preflight: 200 with the CORS headers, or 403 naming the origin and the setting. */
    FullHttpResponse preflight(final HttpRequest request, final ByteBufAllocator alloc) {
        final String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (!origins.contains(origin)) {
            return Responses.error(
                    alloc,
                    HttpResponseStatus.FORBIDDEN,
                    "CORS origin not allowed [origin=" + origin + ", allowed=" + origins
                            + ", setting=http.cors.origins]");
        }
        final FullHttpResponse response = Responses.empty(HttpResponseStatus.OK);
        allow(response.headers(), origin);
        response.headers()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, METHODS)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, HEADERS)
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "0");
        return response;
    }

    /** @return true if {@link #decorate} would add headers to the answer of {@code request}. */
    boolean decorates(final HttpRequest request) {
        if (origins.isEmpty()) {
            return false;
        }
        final String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        return origin != null && origins.contains(origin);
    }

    /** Lets a configured origin read the answer to an ordinary request. */
    void decorate(final HttpRequest request, final HttpHeaders answer) {
        if (origins.isEmpty()) {
            return;
        }
        final String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && origins.contains(origin)) {
            allow(answer, origin);
        }
    }

    private static void allow(final HttpHeaders headers, final String origin) {
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                .set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    }
}
