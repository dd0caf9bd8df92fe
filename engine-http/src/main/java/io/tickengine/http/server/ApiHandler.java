package io.tickengine.http.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.security.Scope;
import io.tickengine.http.metrics.HttpMetrics;
import io.tickengine.http.route.Exchange;
import io.tickengine.http.route.Responses;
import io.tickengine.http.route.Route;
import io.tickengine.http.security.RateLimiter;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection: checks the request (decoding errors, route, method, key, scope, rate), hands it
 * to its route, and writes the answer. One request at a time per connection: pipelined requests wait their turn,
 * so answers that come later (journal acknowledgements, queries) keep request order.
 *
 * <p>Every answer is counted by route and status code, and an ingest route's 2xx answer records the time since the
 * request was taken up ({@link HttpMetrics}); nothing of that allocates.
 */
final class ApiHandler extends ChannelInboundHandlerAdapter implements Exchange {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "Bearer ";

    private final Router router;
    private final ApiKeys keys;
    private final RateLimiter rateLimiter;
    private final ServerState state;
    private final HttpMetrics metrics;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>(2);
    private ChannelHandlerContext ctx;
    private FullHttpRequest current;
    private ApiKeys.Entry key;
    private boolean keepAlive;
    private long receivedNs;
    private int routeIndex;
    private Route route;

    ApiHandler(
            final Router router,
            final ApiKeys keys,
            final RateLimiter rateLimiter,
            final ServerState state,
            final HttpMetrics metrics) {
        this.router = router;
        this.keys = keys;
        this.rateLimiter = rateLimiter;
        this.state = state;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (current != null) {
            waiting.add(request);
            return;
        }
        begin(request);
    }

    private void begin(final FullHttpRequest request) {
        current = request;
        key = null;
        receivedNs = System.nanoTime();
        routeIndex = 0;
        route = null;
        keepAlive = HttpUtil.isKeepAlive(request) && !state.isShuttingDown();
        state.requestStarted();
        try {
            dispatch(request);
        } catch (final RuntimeException e) {
            LOG.error("request failed [method={}, uri={}]", request.method(), request.uri(), e);
            if (current == request) {
                respond(Responses.error(alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error"));
            }
        }
    }

    private void dispatch(final FullHttpRequest request) {
        final DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            keepAlive = false; // the decoder's state is unknown after a failure: never read on
            respond(decodingError(decoded.cause()));
            return;
        }
        final String uri = request.uri();
        final int query = uri.indexOf('?');
        final String path = query < 0 ? uri : uri.substring(0, query);
        final Map<HttpMethod, Route> byMethod = router.byPath(path);
        if (byMethod == null) {
            respond(Responses.error(alloc(), HttpResponseStatus.NOT_FOUND, "no such endpoint [path=" + path + "]"));
            return;
        }
        // The route's pattern, never the raw path: a client must not be able to mint label values.
        routeIndex = metrics.routeIndex(router.pattern(path));
        final Route route = byMethod.get(request.method());
        if (route == null) {
            final FullHttpResponse response = Responses.error(
                    alloc(),
                    HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "method not allowed [method=" + request.method() + ", path=" + path + "]");
            response.headers()
                    .set(
                            HttpHeaderNames.ALLOW,
                            byMethod.keySet().stream().map(HttpMethod::name).collect(Collectors.joining(", ")));
            respond(response);
            return;
        }
        this.route = route;
        final Scope scope = route.scope();
        if (scope != null && !authorize(request, scope)) {
            return;
        }
        route.handle(this);
    }

    private boolean authorize(final FullHttpRequest request, final Scope scope) {
        final String presented = presentedKey(request);
        if (presented == null || presented.isEmpty()) {
            rejectIngest(scope, HttpMetrics.Reject.UNAUTHORIZED);
            respond(Responses.error(alloc(), HttpResponseStatus.UNAUTHORIZED, "missing API key: send X-API-Key"));
            return false;
        }
        final ApiKeys.Entry entry = keys.authenticate(presented);
        if (entry == null) {
            rejectIngest(scope, HttpMetrics.Reject.UNAUTHORIZED);
            respond(Responses.error(alloc(), HttpResponseStatus.UNAUTHORIZED, "unknown API key"));
            return false;
        }
        if (!entry.scopes().contains(scope) && !entry.scopes().contains(Scope.ADMIN)) {
            rejectIngest(scope, HttpMetrics.Reject.FORBIDDEN);
            respond(Responses.error(
                    alloc(),
                    HttpResponseStatus.FORBIDDEN,
                    "API key lacks scope [scope=" + scope.name().toLowerCase(java.util.Locale.ROOT) + "]"));
            return false;
        }
        final long waitNs = rateLimiter.tryAcquire(entry.index(), System.nanoTime());
        if (waitNs > 0) {
            rejectIngest(scope, HttpMetrics.Reject.RATE_LIMITED);
            final FullHttpResponse response =
                    Responses.error(alloc(), HttpResponseStatus.TOO_MANY_REQUESTS, "rate limit exceeded");
            response.headers()
                    .set(
                            HttpHeaderNames.RETRY_AFTER,
                            Long.toString(Math.max(1, (waitNs + 999_999_999L) / 1_000_000_000L)));
            respond(response);
            return false;
        }
        key = entry;
        return true;
    }

    /**
     * The key from {@code X-API-Key}, else from {@code Authorization: Bearer <key>}: what scrapers such as Prometheus
     * can send ({@code authorization.credentials_file} in a scrape config).
     */
    private static String presentedKey(final FullHttpRequest request) {
        final String key = request.headers().get(API_KEY_HEADER);
        if (key != null) {
            return key;
        }
        final String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length()).trim();
        }
        return null;
    }

    private void rejectIngest(final Scope scope, final HttpMetrics.Reject reason) {
        if (scope == Scope.INGEST) {
            metrics.onIngestRejected(reason, 0);
        }
    }

    private FullHttpResponse decodingError(final Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return Responses.error(alloc(), HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers too large");
        }
        if (cause instanceof TooLongHttpLineException) {
            return Responses.error(alloc(), HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
        }
        if (cause instanceof TooLongFrameException) {
            return Responses.error(alloc(), HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request too large");
        }
        return Responses.error(
                alloc(),
                HttpResponseStatus.BAD_REQUEST,
                "malformed HTTP request: " + (cause == null ? "unknown" : cause.getMessage()));
    }

    @Override
    public FullHttpRequest request() {
        return current;
    }

    @Override
    public ApiKeys.Entry key() {
        return key;
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public void respond(final FullHttpResponse response) {
        final FullHttpRequest answered = current;
        current = null;
        if (answered == null) {
            ReferenceCountUtil.release(response);
            return;
        }
        answered.release();
        state.requestEnded();
        final int code = response.status().code();
        metrics.onResponse(routeIndex, code);
        if (route != null && route.scope() == Scope.INGEST && code >= 200 && code < 300) {
            metrics.onAcknowledged(receivedNs, System.nanoTime());
        }
        final boolean open =
                keepAlive && !state.isShuttingDown() && ctx.channel().isActive();
        response.headers().set(HttpHeaderNames.CONNECTION, open ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        if (!open) {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            releaseWaiting();
            return;
        }
        ctx.writeAndFlush(response);
        final FullHttpRequest next = waiting.poll();
        if (next != null) {
            begin(next);
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
        if (evt instanceof IdleStateEvent && current == null) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        if (current != null) {
            // The answer may still come (journal acknowledgement); respond() then finds no request and drops it.
            current.release();
            current = null;
            state.requestEnded();
        }
        releaseWaiting();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.debug(
                "connection error, closing [remote={}, cause={}]", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private void releaseWaiting() {
        FullHttpRequest r;
        while ((r = waiting.poll()) != null) {
            r.release();
        }
    }
}
