package io.tickengine.http.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.ReferenceCountUtil;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.security.Scope;
import io.tickengine.http.route.Exchange;
import io.tickengine.http.route.Route;

/**
 * One request and its answer: created when the connection takes a request up, answered exactly once. A second or
 * late {@link #respond} (a route that answers after a timeout, or after the connection closed) is released and
 * ignored: it can never answer another request of the same connection.
 *
 * <p>Event loop only, like every method of {@link Exchange}.
 */
final class HttpExchange implements Exchange {
    private final ApiHandler connection;
    private final FullHttpRequest request;
    private final long receivedNs;
    private final boolean keepAlive;
    private ApiKeys.Entry key;
    private Route route;
    private int routeIndex;
    private boolean answered;

    HttpExchange(
            final ApiHandler connection,
            final FullHttpRequest request,
            final long receivedNs,
            final boolean keepAlive) {
        this.connection = connection;
        this.request = request;
        this.receivedNs = receivedNs;
        this.keepAlive = keepAlive;
    }

    @Override
    public FullHttpRequest request() {
        return request;
    }

    @Override
    public ApiKeys.Entry key() {
        return key;
    }

    @Override
    public ByteBufAllocator alloc() {
        return connection.alloc();
    }

    @Override
    public EventLoop eventLoop() {
        return connection.eventLoop();
    }

    @Override
    public void respond(final FullHttpResponse response) {
        if (answered) {
            ReferenceCountUtil.release(response);
            connection.onLateAnswer(this, response.status().code());
            return;
        }
        answered = true;
        try {
            connection.onAnswer(this, response);
        } finally {
            request.release();
        }
    }

    @Override
    public void later(final Runnable task, final long delayNs) {
        connection.later(this, task, delayNs);
    }

    /** Ends the exchange without an answer (the connection closed): a later {@link #respond} is dropped. */
    void abandon() {
        if (!answered) {
            answered = true;
            request.release();
        }
    }

    @Override
    public boolean isAnswered() {
        return answered;
    }

    void routed(final int routeIndex, final Route route) {
        this.routeIndex = routeIndex;
        this.route = route;
    }

    void authenticated(final ApiKeys.Entry key) {
        this.key = key;
    }

    int routeIndex() {
        return routeIndex;
    }

    Route route() {
        return route;
    }

    boolean isIngest() {
        return route != null && route.scope() == Scope.INGEST;
    }

    long receivedNs() {
        return receivedNs;
    }

    boolean keepAlive() {
        return keepAlive;
    }
}
