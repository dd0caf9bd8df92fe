package io.tickengine.edge;

import io.tickengine.core.security.ApiKeys;
import io.tickengine.edge.forward.BodyForwarder;
import io.tickengine.edge.forward.EngineClient;
import io.tickengine.edge.forward.ForwardStats;
import io.tickengine.edge.forward.Forwarder;
import io.tickengine.edge.ingest.IngestServer;
import io.tickengine.edge.store.BodyQueue;
import io.tickengine.edge.store.StoreStatus;
import io.tickengine.edge.store.TickAppender;
import io.tickengine.edge.store.TickStore;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running edge agent: the SQLite buffer, the listener that stores every accepted request before answering, and the
 * forwarder that sends the buffer to the engine. What {@code edge-agent run} starts and the tests start in-process.
 *
 * <p>{@link #close()} stops accepting, lets requests in progress commit and answer, stops the forwarder (a batch in
 * flight is resent at the next start and dropped by the engine as duplicates) and closes the buffer. A kill instead
 * of a close loses nothing that was acknowledged either: every answered request is committed with
 * {@code synchronous=FULL}.
 */
public final class EdgeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeAgent.class);

    private final EdgeContext context;
    private final TickStore store;
    private final ForwardStats stats = new ForwardStats();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private StoreStatus storeStatus;
    private TickAppender appender;
    private Forwarder forwarder;
    private BodyQueue bodies;
    private BodyForwarder bodyForwarder;
    private IngestServer server;
    private volatile boolean closed;

    private EdgeAgent(final EdgeContext context, final TickStore store) {
        this.context = context;
        this.store = store;
    }

    /**
     * Opens the buffer, starts the forwarder, then the listener.
     *
     * @param context a concluded context with {@code engine.url}.
     * @param listenerKeys the keys the listener accepts.
     * @param engineKey the key presented to the engine.
     */
    public static EdgeAgent start(final EdgeContext context, final ApiKeys listenerKeys, final String engineKey)
            throws IOException, SQLException, GeneralSecurityException {
        final EdgeAgent agent = new EdgeAgent(context, TickStore.open(context.dataDir()));
        try {
            agent.startComponents(listenerKeys, engineKey);
        } catch (final IOException | SQLException | GeneralSecurityException | RuntimeException e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    private void startComponents(final ApiKeys listenerKeys, final String engineKey)
            throws IOException, SQLException, GeneralSecurityException {
        storeStatus = remember(new StoreStatus(store));
        appender = remember(new TickAppender(store, context.bufferMaxTicks(), context.bufferMinFreeBytes()));
        final EngineClient client = new EngineClient(
                context.requireEngineUrl(),
                engineKey,
                context.engineTlsCaFile(),
                Duration.ofMillis(context.engineConnectTimeoutMs()),
                Duration.ofMillis(context.engineRequestTimeoutMs()));
        forwarder = remember(new Forwarder(context, store, client, stats)).start();
        bodies = remember(BodyQueue.open(store));
        bodyForwarder = remember(new BodyForwarder(context, bodies, client)).start();
        server = remember(new IngestServer(
                        context, listenerKeys, appender, forwarder::wake, bodies, bodyForwarder::wake, this::status))
                .start();
        LOG.info(
                "edge agent started [agentId={}, listen={}:{}, engine={}, buffer={}, backlog={}]",
                store.agentId(),
                context.bind(),
                server.port(),
                client.endpoint(),
                store.file(),
                store.backlog());
    }

    private <T extends AutoCloseable> T remember(final T resource) {
        resources.push(resource);
        return resource;
    }

    /** @return the port the listener is on. */
    public int port() {
        return server.port();
    }

    /** @return the agent's stable id, the {@code source} of the ticks it forwards. */
    public String agentId() {
        return store.agentId();
    }

    /** @return the buffer. */
    public TickStore store() {
        return store;
    }

    /** @return the bars and symbol entries stored and not yet acknowledged by the engine. */
    public BodyQueue bodies() {
        return bodies;
    }

    /** @return bars and symbol entries the engine acknowledged since start. */
    public long forwardedBodyItems() {
        return bodyForwarder.forwardedItems.get();
    }

    /** @return the forwarding counters. */
    public ForwardStats stats() {
        return stats;
    }

    /** @return the current state, as {@code GET /health} reports it. */
    public AgentStatus status() {
        final long nowMsc = System.currentTimeMillis();
        final long forwardedSeq = store.forwardedSeq();
        StoreStatus.Snapshot snapshot;
        try {
            snapshot = storeStatus.snapshot(forwardedSeq);
        } catch (final SQLException e) {
            snapshot = new StoreStatus.Snapshot(0, -1, null, 0, "buffer: " + e.getMessage(), nowMsc, 0, 0);
        }
        final long backlog = store.backlog();
        final long lastSuccessMsc = Math.max(stats.lastSuccessMsc(), snapshot.lastSuccessMsc());
        final boolean liveError = stats.lastErrorMsc() > 0;
        final long diskFreeBytes = appender.disk().freeBytes();
        final boolean diskFull = appender.disk().isLow();
        return new AgentStatus(
                store.agentId(),
                String.valueOf(context.engineUrl()),
                true,
                backlog < context.bufferMaxTicks() && !diskFull,
                backlog,
                snapshot.oldestUnforwardedMsc() > 0 ? Math.max(0, nowMsc - snapshot.oldestUnforwardedMsc()) : 0,
                snapshot.barBacklog(),
                snapshot.symbolBacklog(),
                bodyForwarder == null ? null : bodyForwarder.failure(),
                store.lastSeq(),
                forwardedSeq,
                stats.forwarded.get(),
                stats.duplicates.get(),
                snapshot.quarantined(),
                snapshot.lastQuarantineReason(),
                stats.ratePerSecond(System.nanoTime()),
                lastSuccessMsc,
                liveError ? stats.lastError() : snapshot.lastError(),
                liveError ? stats.lastErrorMsc() : snapshot.lastErrorMsc(),
                context.bufferMaxTicks(),
                diskFreeBytes,
                context.bufferMinFreeBytes());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!resources.isEmpty()) {
            final AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (final Exception e) {
                LOG.warn(
                        "error while stopping [component={}]",
                        resource.getClass().getSimpleName(),
                        e);
            }
        }
        LOG.info("edge agent stopped [forwardedSeq={}, backlog={}]", store.forwardedSeq(), store.backlog());
    }
}
