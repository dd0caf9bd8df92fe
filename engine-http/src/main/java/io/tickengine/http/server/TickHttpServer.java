package io.tickengine.http.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tickengine.core.TickEngine;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.store.DatabaseProbe;
import io.tickengine.http.metrics.Observability;
import io.tickengine.http.route.Blocking;
import io.tickengine.http.route.CandlesRoute;
import io.tickengine.http.route.HealthRoute;
import io.tickengine.http.route.IngestBarsRoute;
import io.tickengine.http.route.IngestTickRoute;
import io.tickengine.http.route.ObservabilityRoutes;
import io.tickengine.http.route.PredictRoute;
import io.tickengine.http.route.QueryRoute;
import io.tickengine.http.route.SignalsRoutes;
import io.tickengine.http.route.SymbolsRoutes;
import io.tickengine.http.route.TicksRoute;
import io.tickengine.http.security.RateLimiter;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's HTTP front: Netty on NIO event loops, one pipeline per connection
 * ({@code [TLS] -> connection limit -> receive deadline -> HTTP codec -> body limit -> one request at a time
 * -> API}), routes
 * for ingest, candles and health, and a small executor for routes that must block (queries).
 *
 * <p>Shutdown is in two steps so no acknowledged tick is lost: {@link #stopAccepting()} closes the listening socket
 * and makes answers close their connections; then the engine closes (draining the ring, so every published request
 * is acknowledged); then {@link #close()} waits for open requests to be answered and stops the event loops.
 */
public final class TickHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TickHttpServer.class);

    private final TickEngine engine;
    private final HttpContext context;
    private final ApiKeys keys;
    private final ServerState state = new ServerState();
    private final Router router = new Router();
    private final RateLimiter rateLimiter;
    private final ExecutorService blocking;
    private final ChannelGroup channels = new DefaultChannelGroup("tick-http", GlobalEventExecutor.INSTANCE);
    private final SslContext ssl;
    private final CorsPolicy cors;
    private final Observability observability;
    private final PredictRoute predict;
    private final DatabaseProbe databaseProbe;
    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private Channel listener;
    private MetricsListener metricsListener;

    public TickHttpServer(final TickEngine engine, final HttpContext context, final ApiKeys keys) {
        this.engine = engine;
        state.faults(engine::onJournalFault);
        this.context = context.conclude();
        this.keys = keys;
        this.rateLimiter = new RateLimiter(keys.size(), context.rateLimitPerSecond(), context.rateLimitBurst());
        this.blocking = new ThreadPoolExecutor(
                2,
                2,
                60,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(256),
                new DefaultThreadFactory("tick-query", true));
        this.ssl = context.tlsCert() == null ? null : sslContext(context);
        this.cors = new CorsPolicy(context.corsOrigins());
        this.observability = new Observability(engine);
        this.databaseProbe =
                new DatabaseProbe(engine.database(), engine.context().dbConnectTimeoutMs());
        final IngestTickRoute ingest =
                new IngestTickRoute(engine, context.retryAfterSeconds(), context.ringWaitMs(), observability.http());
        final Blocking blockingRoutes = new Blocking(blocking, context.retryAfterSeconds());
        final SignalsRoutes signals = new SignalsRoutes(
                engine.signals(), blockingRoutes, engine.context().signalsLeaseMs());
        final SymbolsRoutes symbols = new SymbolsRoutes(engine.symbolSpecs(), blockingRoutes);
        this.predict = new PredictRoute(engine.context(), context.predictModelDir(engine.context()), blockingRoutes);
        router.add(HttpMethod.POST, "/ingest/tick", ingest)
                .add(HttpMethod.POST, "/ingest/ticks", ingest)
                .add(
                        HttpMethod.POST,
                        "/ingest",
                        new IngestBarsRoute(engine, context.retryAfterSeconds(), observability.http()))
                .add(HttpMethod.GET, "/candles", new CandlesRoute(engine.store(), engine.symbolSpecs(), blockingRoutes))
                .add(HttpMethod.GET, "/ticks", new TicksRoute(engine.tickStore(), engine.symbolSpecs(), blockingRoutes))
                .add(HttpMethod.POST, "/symbols", symbols.post())
                .add(HttpMethod.GET, "/symbols", symbols.list())
                .add(HttpMethod.GET, "/symbols/stored", symbols.stored())
                .add(HttpMethod.POST, "/signals", signals.publish())
                .add(HttpMethod.GET, "/signals/next", signals.next())
                .add(HttpMethod.POST, "/signals/ack", signals.ack())
                .add(HttpMethod.GET, "/signals/latest", signals.latest())
                .add(HttpMethod.GET, "/predict", predict)
                .addPrefix(HttpMethod.GET, QueryRoute.PREFIX, new QueryRoute(engine.views(), blockingRoutes))
                .add(
                        HttpMethod.GET,
                        "/health",
                        new HealthRoute(engine, state::isShuttingDown, context.retryAfterSeconds(), databaseProbe));
        ObservabilityRoutes.register(router, observability, blockingRoutes, context.metricsOpen());
    }

    /** @return the metrics of this server and its engine. */
    public Observability observability() {
        return observability;
    }

    /** @return the router, for modules that add endpoints before {@link #start()}. */
    public Router router() {
        return router;
    }

    /** Binds and starts serving. */
    public TickHttpServer start() throws InterruptedException {
        acceptor = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("tick-http-accept", true), NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(
                context.ioThreads(), new DefaultThreadFactory("tick-http", true), NioIoHandler.newFactory());
        final Guards.ConnectionLimit connectionLimit =
                new Guards.ConnectionLimit(state, context.maxConnections(), ssl != null, observability.http());
        final HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(context.maxLineBytes())
                .setMaxHeaderSize(context.maxHeaderBytes())
                .setMaxChunkSize(64 * 1024);
        final ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, ApiHandler.readBuffers())
                .childOption(ChannelOption.ALLOCATOR, ApiHandler.buffers())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(final SocketChannel ch) {
                        channels.add(ch);
                        final ChannelPipeline p = ch.pipeline();
                        if (ssl != null) {
                            p.addLast("tls", ssl.newHandler(ch.alloc()));
                        }
                        final Guards.ReceiveDeadline deadline = new Guards.ReceiveDeadline(context.requestTimeoutMs());
                        p.addLast("connection-limit", connectionLimit)
                                .addLast("idle", new Guards.IdleTimeout(context.idleTimeoutMs()))
                                .addLast("deadline-bytes", deadline.bytes())
                                .addLast(
                                        "plain",
                                        new PlainRequestDecoder(
                                                context.maxLineBytes(),
                                                context.maxHeaderBytes(),
                                                context.maxBodyBytes()))
                                .addLast("http", ApiHandler.codec(decoder))
                                .addLast("deadline-messages", deadline.messages())
                                .addLast("body", new Guards.BodyLimit(context.maxBodyBytes()))
                                .addLast("one-at-a-time", new FlowControlHandler())
                                .addLast(
                                        "api",
                                        new ApiHandler(router, keys, rateLimiter, state, observability.http(), cors));
                    }
                });
        listener = bootstrap.bind(context.bind(), context.port()).sync().channel();
        LOG.info(
                "HTTP listening [address={}, tls={}, keys={}, cors={}]",
                listener.localAddress(),
                ssl != null,
                keys.size(),
                context.corsOrigins());
        if (context.metricsPort() != 0) {
            final Router metricsRouter = new Router()
                    .add(HttpMethod.GET, "/metrics", router.byPath("/metrics").get(HttpMethod.GET));
            metricsListener = MetricsListener.start(
                    acceptor,
                    workers,
                    context,
                    ssl,
                    metricsRouter,
                    keys,
                    rateLimiter,
                    state,
                    observability.http(),
                    cors);
        }
        return this;
    }

    /** @return the port of the separate metrics listener, or 0 when it is off. */
    public int metricsPort() {
        return metricsListener == null ? 0 : metricsListener.port();
    }

    /** @return the bound port (useful with {@code http.port=0}). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** @return true once shutdown has begun. */
    public boolean isShuttingDown() {
        return state.isShuttingDown();
    }

    /** First step of shutdown: no new connections; open ones are closed after their current answer. */
    public void stopAccepting() {
        state.shutDown();
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        if (metricsListener != null) {
            metricsListener.close();
        }
        LOG.info("HTTP stopped accepting [openRequests={}]", state.openRequests());
    }

    /**
     * Last step of shutdown: waits (bounded) for open requests to be answered, then closes every connection and the
     * event loops.
     */
    @Override
    public void close() {
        if (!state.isShuttingDown()) {
            stopAccepting();
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (state.openRequests() > 0 && deadlineNs - System.nanoTime() > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
        if (state.openRequests() > 0) {
            LOG.warn("closing with requests still open [openRequests={}]", state.openRequests());
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        blocking.shutdown();
        predict.close();
        databaseProbe.close();
        observability.close();
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        LOG.info("HTTP stopped");
    }

    private static SslContext sslContext(final HttpContext context) {
        try {
            return SslContextBuilder.forServer(
                            context.tlsCert().toFile(), context.tlsKey().toFile())
                    .build();
        } catch (final SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "cannot load TLS certificate or key [cert=" + context.tlsCert() + ", key=" + context.tlsKey()
                            + ", cause=" + e.getMessage() + "]",
                    e);
        }
    }
}
