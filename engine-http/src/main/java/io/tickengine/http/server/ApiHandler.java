package io.tickengine.http.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.security.Scope;
import io.tickengine.http.metrics.HttpMetrics;
import io.tickengine.http.route.Responses;
import io.tickengine.http.route.Route;
import io.tickengine.http.security.RateLimiter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection: takes up one request at a time as an {@link HttpExchange}, checks it (decoding
 * errors, CORS preflight, route, method, key, scope, rate), hands it to its route, and writes the answer.
 *
 * <p>The channel does not read on its own (auto-read off, a {@code FlowControlHandler} in front of this handler):
 * the next request is read only once the current one is answered and the channel is writable again. So answers
 * keep request order, however late a route answers, and a client that pipelines without reading its answers holds
 * at most one request and the socket's buffers of the server's memory; TCP pushes back on it. A guard's refusal
 * ({@link Guards.Refusal}: 408, 413) is written in the same order, after the answer in flight, and then the
 * connection closes.
 *
 * <p>Every answer is counted by route and status code, and an ingest route's 2xx answer records the time since the
 * request was taken up ({@link HttpMetrics}); nothing of that allocates. One instance per connection.
 */
final class ApiHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    static final String API_KEY_HEADER = "X-API-Key";
    /** The most bytes one read takes from the socket. */
    static final int MAX_READ_BYTES = 64 * 1024;
    /**
     * The most requests one read can hold (the shortest, {@code "GET / HTTP/1.0\n\n"}, is 16 bytes): the HTTP
     * codec's pipeline depth, since a read is only asked for once every request of the read before is answered.
     */
    static final int MAX_REQUESTS_PER_READ = MAX_READ_BYTES / 16;

    private static final String BEARER = "Bearer ";

    private final Router router;
    private final KeyCheck keys;
    private final RateLimiter rateLimiter;
    private final ServerState state;
    private final HttpMetrics metrics;
    private final CorsPolicy cors;
    private ChannelHandlerContext ctx;
    /** The request taken up and not answered yet, or {@code null}. */
    private HttpExchange current;
    /** A guard's refusal to write once {@link #current} is answered; the connection then closes. */
    private Guards.Refusal refusal;
    /** True once the connection is to close: nothing more is read or answered. */
    private boolean closing;

    private boolean readWanted;
    private boolean reading;
    /** Set when a request arrives: tells {@link #readNext} whether a read was served from what was read before. */
    private boolean delivered;

    ApiHandler(
            final Router router,
            final ApiKeys keys,
            final RateLimiter rateLimiter,
            final ServerState state,
            final HttpMetrics metrics,
            final CorsPolicy cors) {
        this.router = router;
        this.keys = new KeyCheck(keys);
        this.rateLimiter = rateLimiter;
        this.state = state;
        this.metrics = metrics;
        this.cors = cors;
    }

    /** @return the HTTP codec of a connection served by this handler. */
    static HttpServerCodec codec(final HttpDecoderConfig decoder) {
        return new HttpServerCodec(decoder, MAX_REQUESTS_PER_READ);
    }

    /** @return the read buffer sizing of a connection served by this handler: at most {@link #MAX_READ_BYTES}. */
    static RecvByteBufAllocator readBuffers() {
        return new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ_BYTES);
    }

    /**
     * @return the buffer allocator of a connection served by this handler: Netty's pooled one. Netty 4.2's default
     *     (adaptive) allocator makes a new {@code java.nio.ByteBuffer} view of a buffer at every socket write, about
     *     150 bytes per answer; the pooled allocator keeps one per buffer and hands the buffer back to a per-thread
     *     cache.
     */
    static ByteBufAllocator buffers() {
        return PooledByteBufAllocator.DEFAULT;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        readNext();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        delivered = true;
        if (!(msg instanceof FullHttpRequest request) || closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (current != null) {
            // Cannot happen with the flow control in front: one request per read asked for.
            LOG.error(
                    "request read while another is open; closing [remote={}]",
                    ctx.channel().remoteAddress());
            request.release();
            closeNow();
            return;
        }
        final HttpExchange exchange = new HttpExchange(
                this, request, System.nanoTime(), HttpUtil.isKeepAlive(request) && !state.isShuttingDown());
        current = exchange;
        state.requestStarted();
        try {
            dispatch(exchange, request);
        } catch (final RuntimeException e) {
            failed(exchange, e);
        }
    }

    /**
     * Runs {@code task} on this connection's event loop after {@code delayNs}, guarded as a route's first call is: if
     * it throws, the request is answered {@code 500} (unless answered already) and the error counted.
     */
    void later(final HttpExchange exchange, final Runnable task, final long delayNs) {
        eventLoop()
                .schedule(
                        () -> {
                            try {
                                task.run();
                            } catch (final RuntimeException e) {
                                failed(exchange, e);
                            }
                        },
                        delayNs,
                        TimeUnit.NANOSECONDS);
    }

    /** A route failed unexpectedly: log, count, and answer {@code 500} if the request is still open. */
    private void failed(final HttpExchange exchange, final RuntimeException e) {
        metrics.onInternalError();
        final FullHttpRequest request = exchange.request();
        LOG.error("request failed [method={}, uri={}]", request.method(), request.uri(), e);
        if (!exchange.isAnswered()) {
            exchange.respond(Responses.error(alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error"));
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) {
        // A read that completed no request (part of one, or a TLS record): read on while nothing is in flight.
        if (current == null) {
            readNext();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && readWanted) {
            readNext();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void dispatch(final HttpExchange exchange, final FullHttpRequest request) {
        final DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            // The decoder's state is unknown after a failure: answer, then close.
            closing = true;
            exchange.respond(decodingError(decoded.cause()));
            return;
        }
        final String uri = request.uri();
        final int query = uri.indexOf('?');
        final String path = query < 0 ? uri : uri.substring(0, query);
        final Map<HttpMethod, Route> byMethod = router.byPath(path);
        if (CorsPolicy.isPreflight(request)) {
            exchange.routed(byMethod == null ? 0 : metrics.routeIndex(router.pattern(path)), null);
            exchange.respond(cors.preflight(request, alloc()));
            return;
        }
        if (byMethod == null) {
            exchange.respond(
                    Responses.error(alloc(), HttpResponseStatus.NOT_FOUND, "no such endpoint [path=" + path + "]"));
            return;
        }
        // The route's pattern, never the raw path: a client must not be able to mint label values.
        final int routeIndex = metrics.routeIndex(router.pattern(path));
        final Route route = byMethod.get(request.method());
        exchange.routed(routeIndex, route);
        if (route == null) {
            final FullHttpResponse response = Responses.error(
                    alloc(),
                    HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "method not allowed [method=" + request.method() + ", path=" + path + "]");
            response.headers()
                    .set(
                            HttpHeaderNames.ALLOW,
                            byMethod.keySet().stream().map(HttpMethod::name).collect(Collectors.joining(", ")));
            exchange.respond(response);
            return;
        }
        final Scope scope = route.scope();
        if (scope != null && !authorize(exchange, request, scope)) {
            return;
        }
        route.handle(exchange);
    }

    private boolean authorize(final HttpExchange exchange, final FullHttpRequest request, final Scope scope) {
        final String presented = presentedKey(request);
        if (presented == null || presented.isEmpty()) {
            rejectIngest(scope, HttpMetrics.Reject.UNAUTHORIZED);
            exchange.respond(
                    Responses.error(alloc(), HttpResponseStatus.UNAUTHORIZED, "missing API key: send X-API-Key"));
            return false;
        }
        final ApiKeys.Entry entry = keys.authenticate(presented);
        if (entry == null) {
            rejectIngest(scope, HttpMetrics.Reject.UNAUTHORIZED);
            exchange.respond(Responses.error(alloc(), HttpResponseStatus.UNAUTHORIZED, "unknown API key"));
            return false;
        }
        if (!entry.scopes().contains(scope) && !entry.scopes().contains(Scope.ADMIN)) {
            rejectIngest(scope, HttpMetrics.Reject.FORBIDDEN);
            exchange.respond(Responses.error(
                    alloc(),
                    HttpResponseStatus.FORBIDDEN,
                    "API key lacks scope [scope=" + scope.name().toLowerCase(java.util.Locale.ROOT) + "]"));
            return false;
        }
        final long waitNs = rateLimiter.tryAcquire(entry.index(), exchange.receivedNs());
        if (waitNs > 0) {
            rejectIngest(scope, HttpMetrics.Reject.RATE_LIMITED);
            final FullHttpResponse response =
                    Responses.error(alloc(), HttpResponseStatus.TOO_MANY_REQUESTS, "rate limit exceeded");
            response.headers()
                    .set(
                            HttpHeaderNames.RETRY_AFTER,
                            Long.toString(Math.max(1, (waitNs + 999_999_999L) / 1_000_000_000L)));
            exchange.respond(response);
            return false;
        }
        exchange.authenticated(entry);
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

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    /**
     * Writes the answer of {@code exchange} (its first {@code respond}), then reads the next request or closes. A
     * failure while the answer is made ready (a faulty response, a header that does not take) is answered {@code 500}
     * in its place, so the request is answered in its turn and the connection reads on.
     */
    void onAnswer(final HttpExchange exchange, final FullHttpResponse response) {
        if (exchange != current) {
            // The connection closed while the route worked: nobody to answer.
            ReferenceCountUtil.release(response);
            return;
        }
        current = null;
        state.requestEnded();
        final boolean open = exchange.keepAlive()
                && !closing
                && !state.isShuttingDown()
                && ctx.channel().isActive();
        FullHttpResponse answer;
        try {
            answer = ready(exchange, response, open);
        } catch (final RuntimeException e) {
            answer = internalError(exchange, response, open, e);
            if (answer == null) {
                closeNow();
                return;
            }
        }
        if (open) {
            write(exchange, answer, ctx.voidPromise());
            // With a refusal pending, this answers the requests read before the refused one, then writes it.
            readNext();
        } else {
            closing = true;
            write(exchange, answer, ctx.newPromise()).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** @return {@code response} counted and with its connection and CORS headers, ready to write. */
    private FullHttpResponse ready(final HttpExchange exchange, final FullHttpResponse response, final boolean open) {
        final int code = response.status().code();
        final FullHttpResponse answer;
        if (!(response.headers() instanceof ReadOnlyHttpHeaders)) {
            answer = response;
            finish(exchange, answer, open);
        } else if (!open || cors.decorates(exchange.request())) {
            answer = copyOf(response, true);
            finish(exchange, answer, open);
        } else {
            // A pre-built answer (IngestAnswers), shared by all connections and complete for one kept open: written as
            // it is past Netty's encoder, else as a response of its own, since that encoder consumes and releases it.
            answer = exchange.request() instanceof PlainRequest ? response : copyOf(response, false);
        }
        metrics.onResponse(exchange.routeIndex(), code);
        if (exchange.isIngest() && code >= 200 && code < 300) {
            metrics.onAcknowledged(exchange.receivedNs(), System.nanoTime());
        }
        return answer;
    }

    /**
     * @return the {@code 500} answer that takes the place of {@code response}, which could not be made ready, or
     *     {@code null} if even that cannot be made: the connection then closes.
     */
    private FullHttpResponse internalError(
            final HttpExchange exchange,
            final FullHttpResponse response,
            final boolean open,
            final RuntimeException e) {
        metrics.onInternalError();
        ReferenceCountUtil.safeRelease(response);
        FullHttpResponse answer = null;
        try {
            answer = Responses.error(alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
            answer.headers()
                    .set(HttpHeaderNames.CONNECTION, open ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
            metrics.onResponse(exchange.routeIndex(), HttpResponseStatus.INTERNAL_SERVER_ERROR.code());
        } catch (final RuntimeException again) {
            e.addSuppressed(again);
        }
        LOG.error(
                "answer failed, {} [method={}, uri={}, remote={}]",
                answer != null ? "answered 500 instead" : "closing",
                exchange.request().method(),
                exchange.request().uri(),
                ctx.channel().remoteAddress(),
                e);
        return answer;
    }

    /** Adds the connection's and the CORS headers to {@code answer}. */
    private void finish(final HttpExchange exchange, final FullHttpResponse answer, final boolean open) {
        cors.decorate(exchange.request(), answer.headers());
        answer.headers().set(HttpHeaderNames.CONNECTION, open ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    }

    /** Writes an answer the way its request came: a plain one past Netty's encoder, any other through it. */
    private ChannelFuture write(
            final HttpExchange exchange, final FullHttpResponse answer, final ChannelPromise promise) {
        return exchange.request() instanceof PlainRequest plain
                ? plain.decoder().writeAnswer(answer, promise)
                : ctx.writeAndFlush(answer, promise);
    }

    /**
     * @return a response of its own with the status and body of the shared pre-built {@code response}: with its
     *     read-only header set, or with a writable copy of it when headers are to be added.
     */
    private static FullHttpResponse copyOf(final FullHttpResponse response, final boolean writableHeaders) {
        final ByteBuf body = response.content().duplicate();
        if (!writableHeaders) {
            return new DefaultFullHttpResponse(
                    response.protocolVersion(), response.status(), body, response.headers(), EmptyHttpHeaders.INSTANCE);
        }
        final FullHttpResponse copy = new DefaultFullHttpResponse(response.protocolVersion(), response.status(), body);
        copy.headers().set(response.headers());
        return copy;
    }

    /** A second answer to an exchange, or one after its connection closed: dropped, and logged as the bug it is. */
    void onLateAnswer(final HttpExchange exchange, final int statusCode) {
        LOG.warn(
                "answer dropped: its request was already answered or its connection closed "
                        + "[method={}, uri={}, status={}, remote={}]",
                exchange.request().method(),
                exchange.request().uri(),
                statusCode,
                ctx.channel().remoteAddress());
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
        if (evt instanceof Guards.Refusal r) {
            if (closing || refusal != null) {
                return;
            }
            refusal = r;
            if (current == null) {
                readNext();
            }
            // Else written once the request in flight is answered (onAnswer, then readNext).
        } else if (evt instanceof IdleStateEvent) {
            if (current == null) {
                closeNow();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    private void writeRefusal() {
        closing = true;
        metrics.onResponse(0, refusal.status().code());
        final FullHttpResponse response = Responses.error(alloc(), refusal.status(), refusal.message());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // Through the whole pipeline from here: the HTTP encoder sits before this handler.
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Asks for the next request, unless the channel cannot take more answers now (the client does not read them):
     * then {@link #channelWritabilityChanged} asks once it can. A read may deliver a request that is answered at once
     * and asks again: the loop, not recursion, takes that up, so a long pipeline does not deepen the stack.
     *
     * <p>With a {@link #refusal} pending, the requests already read before the refused one are still answered, in
     * order; once a read finds none left (it would wait for the socket), the refusal is written and the connection
     * closes.
     */
    private void readNext() {
        readWanted = true;
        if (reading) {
            return;
        }
        reading = true;
        try {
            while (readWanted && current == null && !closing && ctx.channel().isActive()) {
                if (refusal == null && !ctx.channel().isWritable()) {
                    return;
                }
                readWanted = false;
                delivered = false;
                ctx.read();
                if (refusal != null && !delivered) {
                    writeRefusal();
                    return;
                }
            }
        } finally {
            reading = false;
        }
    }

    /** @return true if {@code cause} is, or wraps (a codec's {@code DecoderException}), an {@link InternalError}. */
    private static boolean isMemoryFault(final Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof InternalError) {
                return true;
            }
        }
        return false;
    }

    private void closeNow() {
        closing = true;
        ctx.close();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        closing = true;
        if (current != null) {
            // The answer may still come (journal acknowledgement); the exchange then drops it.
            current.abandon();
            current = null;
            state.requestEnded();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        if (isMemoryFault(cause)) {
            // A memory-mapped write that faulted (the journal on a full disk) may surface here, after the code that
            // wrote returned: ingest stops until a restart, and the request is answered as not journaled.
            LOG.error(
                    "memory-mapped write fault on an event loop: ingest stopped [remote={}]",
                    ctx.channel().remoteAddress(),
                    cause);
            state.onFault(cause);
            if (current != null) {
                current.respond(Responses.retryLater(
                        ctx.alloc(), "not journaled: journal write fault; ingest stopped until a restart", "1"));
            }
        } else {
            LOG.debug(
                    "connection error, closing [remote={}, cause={}]",
                    ctx.channel().remoteAddress(),
                    cause.toString());
        }
        closeNow();
    }
}
