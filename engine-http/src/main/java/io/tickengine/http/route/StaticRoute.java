package io.tickengine.http.route;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.tickengine.core.security.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A file of the status page ({@code GET /}, {@code /status.js}, {@code /status.css}), read from the classpath once at
 * start-up and served from memory: no file I/O on the event loop. Open: the files hold no data; the data routes they
 * call need a key. The content security policy allows only this origin, so the page cannot load anything from
 * elsewhere.
 */
public final class StaticRoute implements Route {
    /** Same-origin only; {@code data:} for the empty favicon that keeps the browser from asking for one. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final byte[] content;
    private final String contentType;

    /**
     * @param resource a classpath resource, e.g. {@code /io/tickengine/http/status/index.html}.
     * @throws IllegalStateException if the resource is missing (a packaging error).
     */
    public StaticRoute(final String resource, final String contentType) {
        try (InputStream in = StaticRoute.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource [resource=" + resource + "]");
            }
            this.content = in.readAllBytes();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read resource [resource=" + resource + "]", e);
        }
        this.contentType = contentType;
    }

    @Override
    public Scope scope() {
        return null;
    }

    @Override
    public void handle(final Exchange exchange) {
        final FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(content));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer");
        exchange.respond(response);
    }
}
