package io.tickengine.http.route;

import io.netty.handler.codec.http.FullHttpResponse;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a route's blocking work (JDBC) off the event loop and writes its answer back on the loop. */
public final class Blocking {
    private static final Logger LOG = LoggerFactory.getLogger(Blocking.class);

    /** Work that builds the answer; may block. */
    @FunctionalInterface
    public interface Work {
        FullHttpResponse call() throws Exception;
    }

    private final Executor executor;
    private final String retryAfterSeconds;

    public Blocking(final Executor executor, final int retryAfterSeconds) {
        this.executor = executor;
        this.retryAfterSeconds = Integer.toString(retryAfterSeconds);
    }

    /** Runs {@code work} on the executor; a failure becomes a 503 with Retry-After, a full executor too. */
    public void run(final Exchange exchange, final String what, final Work work) {
        try {
            executor.execute(() -> {
                FullHttpResponse response;
                try {
                    response = work.call();
                } catch (final Exception e) {
                    LOG.warn("{} failed [cause={}]", what, e.toString());
                    response = unavailable(exchange, "store unavailable");
                }
                final FullHttpResponse answer = response;
                exchange.eventLoop().execute(() -> exchange.respond(answer));
            });
        } catch (final RejectedExecutionException e) {
            exchange.respond(unavailable(exchange, "too many queries"));
        }
    }

    /** @return a 503 with this server's Retry-After. */
    public FullHttpResponse unavailable(final Exchange exchange, final String message) {
        return Responses.retryLater(exchange.alloc(), message, retryAfterSeconds);
    }
}
