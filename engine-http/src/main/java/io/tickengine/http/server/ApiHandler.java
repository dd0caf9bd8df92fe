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
 */
final class ApiHandler extends ChannelInboundHandlerAdapter implements Exchange {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    static final String API_KEY_HEADER = "X-API-Key";

    private final Router router;
    private final ApiKeys keys;
    private final RateLimiter rateLimiter;
    private final ServerState state;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>(2);
    private ChannelHandlerContext ctx;
    private FullHttpRequest current;
    private ApiKeys.Entry key;
    private boolean keepAlive;

    ApiHandler(final Router router, final ApiKeys keys, final RateLimiter rateLimiter, final ServerState state) {
        this.router = router;
        this.keys = keys;
        this.rateLimiter = rateLimiter;
        this.state = state;
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
        final Scope scope = route.scope();
        if (scope != null && !authorize(request, scope)) {
            return;
        }
        route.handle(this);
    }

    private boolean authorize(final FullHttpRequest request, final Scope scope) {
        final String presented = request.headers().get(API_KEY_HEADER);
        if (presented == null || presented.isEmpty()) {
            respond(Responses.error(alloc(), HttpResponseStatus.UNAUTHORIZED, "missing API key: send X-API-Key"));
            return false;
        }
        final ApiKeys.Entry entry = keys.authenticate(presented);
        if (entry == null) {
            respond(Responses.error(alloc(), HttpResponseStatus.UNAUTHORIZED, "unknown API key"));
            return false;
        }
        if (!entry.scopes().contains(scope) && !entry.scopes().contains(Scope.ADMIN)) {
            respond(Responses.error(
                    alloc(),
                    HttpResponseStatus.FORBIDDEN,
                    "API key lacks scope [scope=" + scope.name().toLowerCase(java.util.Locale.ROOT) + "]"));
            return false;
        }
        final long waitNs = rateLimiter.tryAcquire(entry.index(), System.nanoTime());
        if (waitNs > 0) {
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
