package io.tickengine.http.route;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.tickengine.core.security.ApiKeys;

/**
 * One request being answered. A route answers exactly once, by {@link #respond}, on the channel's event loop; it
 * may do so later (after the journal acknowledges, or a query returns), and the connection reads no further
 * request meanwhile, so answers keep request order.
 */
public interface Exchange {
    /** @return the request; valid until {@link #respond} (routes that answer later copy what they need). */
    FullHttpRequest request();

    /** @return the authenticated key, or {@code null} for open routes. */
    ApiKeys.Entry key();

    /** @return the channel's allocator. */
    ByteBufAllocator alloc();

    /** @return the channel's event loop: answers given later must be handed back to it. */
    EventLoop eventLoop();

    /** Sends the answer (event loop only). */
    void respond(FullHttpResponse response);

    /**
     * @return true once answered, or once its connection closed (then {@link #request()} is released): a route that
     *     takes a request up again later checks this first. Event loop only.
     */
    boolean isAnswered();

    /**
     * Takes the request up again on {@link #eventLoop()} after {@code delayNs}: {@code task} runs guarded as the
     * route's {@link Route#handle} is, so if it throws, the request is answered {@code 500} and the error counted.
     * {@code task} checks {@link #isAnswered()} first.
     */
    void later(Runnable task, long delayNs);
}
