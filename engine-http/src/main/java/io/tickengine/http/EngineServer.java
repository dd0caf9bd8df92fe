package io.tickengine.http;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.store.StoreException;
import io.tickengine.http.server.HttpContext;
import io.tickengine.http.server.TickHttpServer;

/**
 * A running engine with its HTTP front: what {@code tick-engine run} starts and what the HTTP tests start
 * in-process. {@link #close()} is the graceful shutdown: stop accepting, drain the ring (every published request
 * is acknowledged), answer open requests, flush the writer, close journal and store.
 */
public final class EngineServer implements AutoCloseable {
    private final TickEngine engine;
    private final TickHttpServer http;
    private volatile boolean closed;

    private EngineServer(final TickEngine engine, final TickHttpServer http) {
        this.engine = engine;
        this.http = http;
    }

    /** Starts the engine, then the HTTP front on it. */
    public static EngineServer start(
            final EngineContext engineContext, final HttpContext httpContext, final ApiKeys keys)
            throws StoreException, InterruptedException {
        final TickEngine engine = TickEngine.start(engineContext);
        try {
            return new EngineServer(engine, new TickHttpServer(engine, httpContext, keys).start());
        } catch (final RuntimeException | InterruptedException e) {
            engine.close();
            throw e;
        }
    }

    /** @return the engine. */
    public TickEngine engine() {
        return engine;
    }

    /** @return the HTTP front. */
    public TickHttpServer http() {
        return http;
    }

    /** @return the port the HTTP front listens on. */
    public int port() {
        return http.port();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        http.stopAccepting();
        engine.close();
        http.close();
    }
}
