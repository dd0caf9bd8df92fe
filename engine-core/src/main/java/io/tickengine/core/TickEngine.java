package io.tickengine.core;

import com.lmax.disruptor.ExceptionHandler;
import io.tickengine.core.candle.CandleAggregator;
import io.tickengine.core.journal.ChronicleSettings;
import io.tickengine.core.journal.JournalHandler;
import io.tickengine.core.journal.JournalRetention;
import io.tickengine.core.journal.JournalSpace;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.query.ViewQuery;
import io.tickengine.core.recovery.JournalReplay;
import io.tickengine.core.ring.TickEvent;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.signal.SignalStore;
import io.tickengine.core.store.BarRebuilder;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.CandleWriter;
import io.tickengine.core.store.Database;
import io.tickengine.core.store.RecoveryState;
import io.tickengine.core.store.StoreException;
import io.tickengine.core.store.TickStore;
import io.tickengine.core.store.TickStoreWriter;
import io.tickengine.core.store.postgres.PostgresCandleStore;
import io.tickengine.core.store.postgres.PostgresTickStore;
import io.tickengine.core.store.sqlite.SqliteCandleStore;
import io.tickengine.core.store.sqlite.SqliteTickStore;
import io.tickengine.core.tick.NameTable;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tick pipeline, assembled: {@code producers -> ring -> journal handler -> candle aggregator -> writer -> store},
 * and behind the journal the tick store writer and the bar rebuilder (Agrona agents). Its parts are made by
 * {@link EngineParts}; the journal replay is {@link io.tickengine.core.recovery.JournalReplay}, the purge
 * {@link io.tickengine.core.journal.JournalRetention}.
 *
 * <p>{@link #start} opens the stores and the journal, replays the journal from the store's resume points (so every
 * open bar is rebuilt exactly, see {@link CandleAggregator}), then starts the writer, the agents and the ring.
 * Producers publish through {@link #ring()}. {@link #close()} stops accepting, drains the ring, flushes the writer,
 * lets the tick store catch up and the rebuilds finish, and closes the journal and the stores.
 */
public final class TickEngine implements AutoCloseable {
    static {
        ChronicleSettings.disableAnalytics();
    }

    private static final Logger LOG = LoggerFactory.getLogger(TickEngine.class);
    private static final long VIEW_QUERY_TIMEOUT_MS = 5_000;
    /** Sleep of an idle tick store writer between two looks at the journal. */
    private static final long TICK_STORE_IDLE_MS = 2;
    /** Sleep of an idle rebuilder between two duty cycles (it polls the store every REBUILD_POLL_MS). */
    private static final long REBUILD_IDLE_MS = 10;

    private final EngineContext context;
    private final EngineMetrics metrics;
    private final NameTable symbols;
    private final NameTable sources;
    private final CandleStore store;
    private final Database readerDatabase;
    private final SignalStore signals;
    private final ViewQuery views;
    private final TickJournal journal;
    private final JournalSpace journalSpace;
    private final CandleAggregator aggregator;
    private final CandleWriter writer;
    private final TickStore tickStore;
    private final TickStoreWriter tickStoreWriter;
    private final BarRebuilder rebuilder;
    private final AgentRunner tickStoreRunner;
    private final AgentRunner rebuilderRunner;
    private final JournalRetention retention;
    private final TickRing ring;
    private volatile boolean closed;

    private TickEngine(
            final EngineContext context,
            final Database database,
            final CandleStore store,
            final TickStore tickStore,
            final TickJournal journal) {
        this.context = context;
        this.metrics = new EngineMetrics(context.metricsSymbolsMax());
        this.symbols = new NameTable(context.namesCapacity());
        this.sources = new NameTable(context.namesCapacity());
        this.store = store;
        this.journal = journal;
        this.signals = new SignalStore(database);
        final boolean dedicatedReader =
                database.dialect() == Database.Dialect.POSTGRESQL && context.dbReaderUser() != null;
        this.readerDatabase = dedicatedReader
                ? Database.postgres(
                        context.dbUrl(),
                        context.dbReaderUser(),
                        context.dbReaderPassword(),
                        2,
                        context.dbConnectTimeoutMs(),
                        null,
                        true)
                : database;
        this.views = new ViewQuery(readerDatabase, dedicatedReader, VIEW_QUERY_TIMEOUT_MS);

        final OneToOneRingBuffer toWriter = EngineParts.writerRing(context);
        this.aggregator = EngineParts.aggregator(context, symbols, toWriter, metrics);
        if (journal.tailCut() != null) {
            metrics.journalTailCuts.increment();
            metrics.journalTailCutBytes.getAndAdd(journal.tailCut().damagedBytes());
        }
        this.journalSpace = new JournalSpace(journal.dir(), context.journalMinFreeBytes(), metrics);
        final JournalHandler journalHandler = new JournalHandler(
                journal, symbols, sources, context.journalSync(), context.dedupWindow(), metrics, journalSpace);
        this.ring = new TickRing(
                context.ringSize(),
                context.maxBatchSize(),
                context.waitStrategy(),
                threadFactory(),
                new LoggingExceptionHandler(metrics),
                journalHandler,
                aggregator);
        journalHandler.readAheadIn(ring);
        this.writer = EngineParts.writer(
                context, store, toWriter, symbols, sources, journal.id(), metrics, new Housekeeping());
        this.tickStore = tickStore;
        this.tickStoreWriter = EngineParts.tickStoreWriter(context, tickStore, journal, metrics);
        this.rebuilder = EngineParts.rebuilder(context, store, tickStore, tickStoreWriter, metrics);
        this.retention = new JournalRetention(journal, store, tickStoreWriter::committedIndex, context);
        final ErrorHandler errorHandler = new AgentErrorHandler(metrics);
        // Sleeping, never spinning, when idle: on 2 cores the event loop and the ring come first; neither agent is on
        // the ack path, so a few milliseconds of wake-up latency cost nothing.
        this.tickStoreRunner = new AgentRunner(
                new SleepingMillisIdleStrategy(TICK_STORE_IDLE_MS), errorHandler, null, tickStoreWriter);
        this.rebuilderRunner =
                new AgentRunner(new SleepingMillisIdleStrategy(REBUILD_IDLE_MS), errorHandler, null, rebuilder);
        recover(journalHandler);
    }

    /**
     * Starts an engine: store, journal, replay, writer, ring.
     *
     * @throws StoreException if the store cannot be reached within {@code db.startup.timeout.ms}.
     */
    public static TickEngine start(final EngineContext context) throws StoreException {
        if (!context.isConcluded()) {
            context.conclude();
        }
        final Database database = openDatabase(context);
        final CandleStore store;
        try {
            store = openStore(context, database);
        } catch (final StoreException | RuntimeException e) {
            database.close();
            throw e;
        }
        final TickStore tickStore;
        final TickJournal journal;
        try {
            tickStore = openTickStore(database);
        } catch (final StoreException | RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            journal = TickJournal.openAsOwner(context.journalDir(), context.journalRollCycle());
        } catch (final RuntimeException e) {
            tickStore.close();
            store.close();
            throw e;
        }
        try {
            final TickEngine engine = new TickEngine(context, database, store, tickStore, journal);
            AgentRunner.startOnThread(engine.tickStoreRunner, daemonThreads());
            AgentRunner.startOnThread(engine.rebuilderRunner, daemonThreads());
            engine.ring.start();
            LOG.info(
                    "tick engine started [store={}, journal={}, ring={}, waitStrategy={}, timeframes={}]",
                    store.describe(),
                    context.journalDir(),
                    context.ringSize(),
                    context.waitStrategy(),
                    context.timeframes());
            return engine;
        } catch (final RuntimeException e) {
            journal.close();
            tickStore.close();
            store.close();
            throw e;
        }
    }

    /** Opens the tick store on the database the candle store uses (whose schema it has created). */
    public static TickStore openTickStore(final Database database) throws StoreException {
        return database.dialect() == Database.Dialect.SQLITE
                ? new SqliteTickStore(database)
                : new PostgresTickStore(database);
    }

    private static ThreadFactory daemonThreads() {
        return runnable -> {
            final Thread t = new Thread(runnable);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Opens the store the context names, creating its schema; waits up to {@code db.startup.timeout.ms} for
     * PostgreSQL. For tools that read the store without running an engine.
     */
    public static CandleStore openStore(final EngineContext context) throws StoreException {
        return openStore(context, openDatabase(context));
    }

    /** Opens the database the context names: PostgreSQL for a {@code jdbc:postgresql:} URL, else SQLite. */
    public static Database openDatabase(final EngineContext context) {
        final String url = context.dbUrl();
        if (url == null || url.startsWith("jdbc:sqlite:")) {
            return Database.sqlite(
                    url == null
                            ? context.dataDir().resolve("tick-engine.db")
                            : Path.of(url.substring("jdbc:sqlite:".length())));
        }
        return Database.postgres(
                url,
                context.dbUser(),
                context.dbPassword(),
                context.dbPoolSize(),
                context.dbConnectTimeoutMs(),
                PostgresCandleStore.CONNECTION_INIT_SQL,
                false);
    }

    /**
     * Opens the candle store on a database, creating its schema; waits up to {@code db.startup.timeout.ms} for
     * PostgreSQL.
     */
    public static CandleStore openStore(final EngineContext context, final Database database) throws StoreException {
        if (database.dialect() == Database.Dialect.SQLITE) {
            return new SqliteCandleStore(database);
        }
        final PostgresCandleStore store = new PostgresCandleStore(database, context.dbSchemaInit());
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(context.dbStartupTimeoutMs());
        String waitingFor = null;
        while (true) {
            try {
                store.initSchema();
                return store;
            } catch (final StoreException e) {
                if (e.getMessage().contains("db.schema.init=false")) {
                    store.close();
                    throw e;
                }
                if (deadlineNs - System.nanoTime() < 0) {
                    store.close();
                    throw new StoreException(
                            "the database is not ready within db.startup.timeout.ms [store=" + store.describe()
                                    + ", timeoutMs=" + context.dbStartupTimeoutMs() + ", reason=" + e.reason() + "]",
                            e.reason(),
                            e);
                }
                // Logged again when the reason changes, e.g. from refused (server starting) to a wrong password.
                if (!e.reason().equals(waitingFor)) {
                    waitingFor = e.reason();
                    LOG.warn(
                            "waiting for the database [store={}, timeoutMs={}, reason={}]",
                            store.describe(),
                            context.dbStartupTimeoutMs(),
                            waitingFor);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
    }

    private void recover(final JournalHandler journalHandler) {
        final RecoveryState state;
        try {
            state = store.loadRecoveryState();
        } catch (final StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        JournalReplay.restoreSources(state, sources, aggregator, journalHandler);
        long fromIndex = Long.MIN_VALUE;
        if (journal.id().equals(state.journalId())) {
            fromIndex = state.journalIndex() + 1;
            metrics.committedJournalIndex.set(state.journalIndex());
            for (final Map.Entry<String, RecoveryState.SymbolState> e :
                    state.symbols().entrySet()) {
                final RecoveryState.SymbolState s = e.getValue();
                final int symbolId = symbols.intern(e.getKey());
                final long replayFrom = s.replayFromIndex() == CandleAggregator.NO_OPEN_BAR
                        ? state.journalIndex() + 1
                        : s.replayFromIndex();
                aggregator.restoreSymbol(symbolId, replayFrom, s.replayWatermarkMsc(), s.watermarkMsc());
                writer.restoreReplayFrom(symbolId, s.replayFromIndex());
                fromIndex = Math.min(fromIndex, replayFrom);
            }
        } else if (state.journalId() != null) {
            LOG.warn(
                    "the store's checkpoint names another journal; replaying this journal in full "
                            + "[storeJournal={}, journal={}]",
                    state.journalId(),
                    journal.id());
        }
        if (fromIndex != Long.MIN_VALUE && fromIndex < journal.firstIndex() && journal.lastIndex() >= 0) {
            LOG.warn(
                    "journal files needed for an exact replay are gone; bars open at the checkpoint may be "
                            + "incomplete [replayFrom={}, firstIndex={}]",
                    fromIndex,
                    journal.firstIndex());
        }
        writer.start();
        final long startNs = System.nanoTime();
        LOG.info(
                "replaying journal [from={}, to={}, checkpoint={}]",
                fromIndex == Long.MIN_VALUE ? "start" : Long.toString(fromIndex),
                journal.lastIndex(),
                state.journalIndex());
        final long[] count = {0};
        journal.replay(fromIndex, (record, index) -> {
            final int sourceId = JournalReplay.sourceId(sources, record);
            if (sourceId >= 0 && record.seq > 0) {
                journalHandler.restoreSequence(sourceId, record.seq);
            }
            JournalReplay.apply(aggregator, symbols, record, sourceId, index);
            if ((++count[0] & 4095) == 0) {
                handOverFully();
            }
        });
        handOverFully();
        aggregator.onReplayEnd();
        metrics.ticksReplayed.getAndAddRelease(count[0]);
        metrics.lastJournalIndex.set(journal.lastIndex());
        EngineMetrics.record(metrics.replayDuration, System.nanoTime() - startNs, EngineMetrics.MAX_LONG_LATENCY_NS);
        LOG.info(
                "journal replayed [ticks={}, openBars={}, ms={}]",
                count[0],
                aggregator.openBars(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
    }

    private void handOverFully() {
        JournalReplay.handOverFully(aggregator);
    }

    /** @return the ring producers publish to. */
    public TickRing ring() {
        return ring;
    }

    /** @return symbol names ↔ ids; producers intern symbols here. */
    public NameTable symbols() {
        return symbols;
    }

    /** @return source names ↔ ids. */
    public NameTable sources() {
        return sources;
    }

    /** @return the store, for queries. */
    public CandleStore store() {
        return store;
    }

    /**
     * @return journal records a restart now would replay at least: those after the oldest open bar's first tick, or
     *     after the checkpoint if that is older. Reads the journal's index files: not for an event loop.
     */
    public long replayLagRecords() {
        final long committed = metrics.committedJournalIndex.get();
        final long replayFrom = metrics.replayFromIndex.get();
        return journal.recordsAfter(replayFrom >= 0 ? Math.min(committed, replayFrom - 1) : committed);
    }

    /** @return the tick store, for queries. */
    public TickStore tickStore() {
        return tickStore;
    }

    /** @return the last journal index whose ticks are in the tick store, -1 if none. */
    public long tickStoreIndex() {
        return tickStoreWriter.committedIndex();
    }

    /** @return the trading signals queue. */
    public SignalStore signals() {
        return signals;
    }

    /** @return read-only queries over the whitelisted views. */
    public ViewQuery views() {
        return views;
    }

    /** @return the counters and latency recorders. */
    public EngineMetrics metrics() {
        return metrics;
    }

    /** @return the configuration. */
    public EngineContext context() {
        return context;
    }

    /** @return the last journal index whose candles are committed to the store, -1 if none this run. */
    public long committedJournalIndex() {
        return writer.committedJournalIndex();
    }

    /** @return why the last store write failed, in plain words, or {@code null} while the store is up. Any thread. */
    public String storeDownReason() {
        return writer.storeDownReason();
    }

    /** @return the journal's free-space gate. */
    public JournalSpace journalSpace() {
        return journalSpace;
    }

    /** @return the journal. */
    public TickJournal journal() {
        return journal;
    }

    /**
     * Graceful shutdown: stops accepting, drains the ring, flushes the writer, closes journal and store.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        final long timeoutMs = context.shutdownTimeoutMs();
        LOG.info("tick engine stopping [timeoutMs={}]", timeoutMs);
        if (!ring.close(timeoutMs, TimeUnit.MILLISECONDS)) {
            LOG.error("ring did not drain in time; the journal replay recovers the rest at the next start");
        }
        if (!writer.close(timeoutMs, TimeUnit.MILLISECONDS)) {
            LOG.error("writer did not commit everything in time; the journal replay recovers it at the next start");
        }
        // Stopped, then finished on this thread: the ticks and rebuilt bars are in the store when close returns.
        tickStoreRunner.close();
        rebuilderRunner.close();
        try {
            if (!tickStoreWriter.catchUp(timeoutMs, TimeUnit.MILLISECONDS)) {
                LOG.error("tick store did not catch up in time; it goes on from the journal at the next start");
            } else if (!rebuilder.drain(timeoutMs, TimeUnit.MILLISECONDS)) {
                LOG.error("bars left to rebuild; they are rebuilt at the next start");
            }
        } catch (final StoreException | RuntimeException e) {
            LOG.error("tick store stopped before catching up; it goes on at the next start [cause={}]", e.toString());
        }
        tickStore.close();
        journal.close();
        if (views.isDedicatedReader()) {
            readerDatabase.close();
        }
        store.close();
        LOG.info("tick engine stopped");
    }

    private ThreadFactory threadFactory() {
        final AtomicInteger n = new AtomicInteger();
        final String[] names = {"tick-journal", "tick-aggregator"};
        return runnable -> {
            final int i = n.getAndIncrement();
            final Thread t = new Thread(runnable, i < names.length ? names[i] : "tick-handler-" + i);
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs on the writer thread when it is idle. */
    private final class Housekeeping implements CandleWriter.IdleAction {
        private static final long PURGE_INTERVAL_NS = 3_600_000_000_000L;
        private long nextPurgeNs = System.nanoTime() + PURGE_INTERVAL_NS;

        private static final long HEARTBEAT_INTERVAL_NS = 1_000_000_000L;
        private long nextHeartbeatNs = System.nanoTime();

        @Override
        public void onIdle() {
            final long nowNs = System.nanoTime();
            // Also now and then without a cause: the aggregator closes the bars of silent symbols at its hand-over.
            if (aggregator.isHandOverPending() || nowNs - nextHeartbeatNs >= 0) {
                nextHeartbeatNs = nowNs + HEARTBEAT_INTERVAL_NS;
                ring.tryPublishHeartbeat();
            }
            if (context.journalRetentionDays() > 0 && nowNs - nextPurgeNs >= 0) {
                nextPurgeNs = nowNs + PURGE_INTERVAL_NS;
                retention.purge();
            }
        }
    }

    /** Logs and counts what a background agent throws; the agent starts over from its committed position. */
    private static final class AgentErrorHandler implements ErrorHandler {
        private final EngineMetrics metrics;

        AgentErrorHandler(final EngineMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void onError(final Throwable throwable) {
            metrics.agentErrors.incrementRelease();
            LOG.error("background agent failed; it starts over from what the store has committed", throwable);
        }
    }

    /** Logs and counts what a ring handler throws; the handler goes on with the next event. */
    private static final class LoggingExceptionHandler implements ExceptionHandler<TickEvent> {
        private final EngineMetrics metrics;

        LoggingExceptionHandler(final EngineMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void handleEventException(final Throwable ex, final long sequence, final TickEvent event) {
            metrics.handlerErrors.incrementRelease();
            LOG.error(
                    "ring handler failed [sequence={}, symbolId={}, timeMsc={}]",
                    sequence,
                    event.symbolId(),
                    event.timeMsc(),
                    ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex) {
            LOG.error("ring handler failed to start", ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex) {
            LOG.error("ring handler failed to shut down", ex);
        }
    }
}
