package io.tickengine.core;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import io.tickengine.core.candle.CandleAggregator;
import io.tickengine.core.ingest.IngestGate;
import io.tickengine.core.ingest.JournalSyncHandler;
import io.tickengine.core.journal.ChronicleSettings;
import io.tickengine.core.journal.JournalDropBehind;
import io.tickengine.core.journal.JournalMirror;
import io.tickengine.core.journal.JournalPretoucher;
import io.tickengine.core.journal.JournalRetention;
import io.tickengine.core.journal.JournalSpace;
import io.tickengine.core.journal.ReplicatedJournal;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.os.Posix;
import io.tickengine.core.query.ViewQuery;
import io.tickengine.core.recovery.StartupRecovery;
import io.tickengine.core.ring.IngestAck;
import io.tickengine.core.ring.TickEvent;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.signal.SignalStore;
import io.tickengine.core.store.BarRebuilder;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.CandleWriter;
import io.tickengine.core.store.Database;
import io.tickengine.core.store.RecoveryState;
import io.tickengine.core.store.StoreException;
import io.tickengine.core.store.Stores;
import io.tickengine.core.store.TickStore;
import io.tickengine.core.store.TickStoreWriter;
import io.tickengine.core.symbol.SymbolStore;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tick pipeline, assembled: {@code producers -> ingest gate (journal) -> ring -> candle aggregator -> writer ->
 * store}, and behind the journal the tick store writer and the bar rebuilder (Agrona agents). Its parts are made by
 * {@link EngineParts}; the journal replay is {@link io.tickengine.core.recovery.JournalReplay}, the purge
 * {@link io.tickengine.core.journal.JournalRetention}.
 *
 * <p>{@link #start} opens the stores and the journal, replays the journal from the store's resume points (so every
 * open bar is rebuilt exactly, see {@link CandleAggregator}), then starts the writer, the agents and the ring.
 * Producers offer requests to {@link #gate()}. {@link #close()} stops accepting, drains the ring, flushes the writer,
 * lets the tick store catch up and the rebuilds finish, and closes the journal and the stores.
 */
public final class TickEngine implements AutoCloseable {
    static {
        ChronicleSettings.disableAnalytics();
    }

    private static final Logger LOG = LoggerFactory.getLogger(TickEngine.class);
    private static final long VIEW_QUERY_TIMEOUT_MS = 5_000;
    /** Sleep of an idle tick store writer between two looks at the journal: from 2 ms, backing off to 50 ms. */
    private static final long TICK_STORE_IDLE_MIN_NS = 2_000_000L;

    private static final long TICK_STORE_IDLE_MAX_NS = 50_000_000L;
    /**
     * Sleep of the idle journal page agents (pretoucher, drop-behind): from 1 ms, backing off to 10 ms (64 MB ahead and
     * 256 MB behind by default).
     */
    private static final long PRETOUCH_IDLE_MIN_NS = 1_000_000L;

    private static final long PRETOUCH_IDLE_MAX_NS = 10_000_000L;
    /** Sleep of an idle rebuilder between two duty cycles (it polls the store every REBUILD_POLL_MS). */
    private static final long REBUILD_IDLE_MS = 100;
    /** Sleep of the journal retention agent between two looks at the clock (it purges once an hour). */
    private static final long RETENTION_IDLE_MS = 1_000;
    /** Sleep of an idle journal mirror between two looks at the journal. */
    private static final long MIRROR_IDLE_MS = 2;

    private final EngineContext context;
    private final EngineMetrics metrics;
    private final NameTable symbols;
    private final NameTable sources;
    private final CandleStore store;
    private final Database database;
    private final Database readerDatabase;
    private final SignalStore signals;
    private final SymbolStore symbolSpecs;
    private final ViewQuery views;
    private final TickJournal journal;
    private final JournalSpace journalSpace;
    private final CandleAggregator aggregator;
    private final CandleWriter writer;
    private final TickStore tickStore;
    private final TickStoreWriter tickStoreWriter;
    private final BarRebuilder rebuilder;
    private final FailStop failStop;
    private final AgentRunner writerRunner;
    private final AgentRunner tickStoreRunner;
    private final AgentRunner rebuilderRunner;
    /** {@code null} when {@code journal.retention.days} is 0 (keep everything). */
    private final AgentRunner retentionRunner;
    /**
     * On one thread: brings the journal's next pages into memory off the event loop, and lets its written ones go
     * behind it; {@code null} when neither runs (journal.pretouch.mb=0 and journal.drop.behind.mb=0, or tmpfs).
     */
    private final AgentRunner journalPagesRunner;
    /** {@code null} when {@code journal.mirror} is none. */
    private final JournalMirror mirror;
    /** {@code null} when {@code journal.mirror} is none. */
    private final AgentRunner mirrorRunner;

    /** {@code null} unless {@code journal.kind} names a replicated journal ({@code kafka}). */
    private final ReplicatedJournal replicated;

    private final JournalRetention retention;
    private final TickRing ring;
    private final IngestGate gate;
    private volatile boolean closed;

    private TickEngine(
            final EngineContext context,
            final Database database,
            final CandleStore store,
            final TickStore tickStore,
            final TickJournal journal) {
        this.context = context;
        this.metrics = new EngineMetrics(context.metricsSymbolsMax());
        this.failStop = new FailStop(metrics);
        this.symbols = new NameTable(context.namesCapacity());
        this.sources = new NameTable(context.namesCapacity());
        this.store = store;
        this.database = database;
        this.journal = journal;
        this.signals = new SignalStore(database);
        this.symbolSpecs = new SymbolStore(database);
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
        // journal.sync: the group-commit syncer answers, then the aggregator; else the gate answers and the ring
        // carries aggregation alone.
        final List<EventHandler<TickEvent>> handlers = new ArrayList<>(2);
        final JournalSyncHandler syncer = context.journalSync() ? new JournalSyncHandler(metrics) : null;
        if (syncer != null) {
            handlers.add(syncer);
        }
        handlers.add(aggregator);
        this.ring = new TickRing(
                context.ringSize(),
                context.maxBatchSize(),
                context.waitStrategy(),
                threadFactory(context.journalSync()),
                new FailStopExceptionHandler(failStop, metrics),
                handlers,
                context.journalSync());
        this.gate = new IngestGate(
                ring,
                journal,
                symbols,
                sources,
                context.journalSync(),
                context.dedupWindow(),
                metrics,
                journalSpace,
                failStop::stop);
        if (syncer != null) {
            syncer.syncThrough(gate);
        }
        this.writer = EngineParts.writer(
                context, store, toWriter, symbols, sources, journal.id(), metrics, failStop::isStopped);
        this.writerRunner = EngineParts.writerRunner(writer, failStop.handlerFor("candle writer"));
        this.tickStore = tickStore;
        this.tickStoreWriter = EngineParts.tickStoreWriter(context, tickStore, journal, metrics);
        this.rebuilder = EngineParts.rebuilder(context, store, tickStore, tickStoreWriter, metrics);
        this.mirror = JournalMirror.open(context, journal, metrics);
        // The journal keeps what the tick store has not committed and what the mirror has not shipped.
        this.retention = new JournalRetention(
                journal,
                store,
                mirror == null
                        ? tickStoreWriter::committedIndex
                        : () -> Math.min(tickStoreWriter.committedIndex(), mirror.shippedIndex()),
                context);
        final ErrorHandler errorHandler = new AgentErrorHandler(metrics);
        // Sleeping, never spinning, when idle: on 2 cores the event loop and the ring come first; neither agent is on
        // the ack path, so a few milliseconds of wake-up latency cost nothing.
        this.tickStoreRunner = new AgentRunner(
                new BackoffIdleStrategy(0, 0, TICK_STORE_IDLE_MIN_NS, TICK_STORE_IDLE_MAX_NS),
                errorHandler,
                null,
                tickStoreWriter);
        this.rebuilderRunner =
                new AgentRunner(new SleepingMillisIdleStrategy(REBUILD_IDLE_MS), errorHandler, null, rebuilder);
        this.retentionRunner = context.journalRetentionDays() > 0
                ? new AgentRunner(new SleepingMillisIdleStrategy(RETENTION_IDLE_MS), errorHandler, null, retention)
                : null;
        this.journalPagesRunner = journalPagesRunner(context, journal, errorHandler);
        this.mirrorRunner = mirror == null
                ? null
                : new AgentRunner(new SleepingMillisIdleStrategy(MIRROR_IDLE_MS), errorHandler, null, mirror);
        // With journal.kind=kafka ticks bypass the local journal (bars and imports still use it). Connects at start.
        this.replicated = ReplicatedJournal.open(context, database, symbols, sources, metrics);
        recover();
    }

    /** @return the runner of the journal's page agents on one thread, or {@code null} when none is useful. */
    private static AgentRunner journalPagesRunner(
            final EngineContext context, final TickJournal journal, final ErrorHandler errorHandler) {
        final List<Agent> agents = new ArrayList<>(2);
        if (context.journalPretouchBytes() > 0 && JournalPretoucher.isUsefulFor(journal.dir())) {
            agents.add(new JournalPretoucher(journal, context.journalPretouchBytes()));
        }
        if (context.journalDropBehindBytes() > 0 && JournalDropBehind.isUsefulFor(journal.dir())) {
            agents.add(new JournalDropBehind(journal, context.journalDropBehindBytes()));
        }
        if (agents.isEmpty()) {
            return null;
        }
        return new AgentRunner(
                new BackoffIdleStrategy(0, 0, PRETOUCH_IDLE_MIN_NS, PRETOUCH_IDLE_MAX_NS),
                errorHandler,
                null,
                agents.size() == 1 ? agents.get(0) : new CompositeAgent(agents));
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
        final Database database = Stores.openDatabase(context);
        final CandleStore store;
        try {
            store = context.candleStoreDecorator().apply(Stores.openStore(context, database));
        } catch (final StoreException | RuntimeException e) {
            database.close();
            throw e;
        }
        final TickStore tickStore;
        final TickJournal journal;
        try {
            tickStore = Stores.openTickStore(database);
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
            final ThreadFactory background = backgroundThreads(context.backgroundNice());
            AgentRunner.startOnThread(engine.tickStoreRunner, background);
            AgentRunner.startOnThread(engine.rebuilderRunner, background);
            if (engine.retentionRunner != null) {
                AgentRunner.startOnThread(engine.retentionRunner, background);
            }
            if (engine.mirrorRunner != null) {
                AgentRunner.startOnThread(engine.mirrorRunner, background);
            }
            if (engine.journalPagesRunner != null) {
                AgentRunner.startOnThread(engine.journalPagesRunner, background);
            }
            engine.ring.start();
            if (engine.replicated != null) {
                engine.replicated.start();
            }
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

    /**
     * Threads of the background agents: daemons, at {@code nice} where the OS allows it (0: the process's own). The
     * tick store writer, rebuilder, retention, journal pages and mirror run at {@code threads.background.nice}, so
     * that on a busy box the event loops, the aggregator and the candle writer, which acknowledgements and the ring
     * wait on, get a core first; the ticks wait in the journal meanwhile.
     */
    private static ThreadFactory backgroundThreads(final int nice) {
        return runnable -> {
            final Thread t = new Thread(
                    nice == 0
                            ? runnable
                            : () -> {
                                Posix.niceCurrentThread(nice);
                                runnable.run();
                            });
            t.setDaemon(true);
            return t;
        };
    }

    private void recover() {
        final RecoveryState state;
        try {
            state = store.loadRecoveryState();
        } catch (final StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        continuePastTheStores(state);
        final long fromIndex = StartupRecovery.restore(
                state, journal, symbols, sources, aggregator, gate, writer::restoreReplayFrom, metrics);
        // The writer drains what the replay hands over. Named by the agent's role (tick-writer), as the others are.
        // At the process's priority: the aggregator hands its bars to it, so it must keep up.
        AgentRunner.startOnThread(writerRunner, backgroundThreads(0));
        StartupRecovery.replay(
                state.journalIndex(),
                fromIndex,
                journal,
                symbols,
                sources,
                aggregator,
                gate,
                failStop::reason,
                metrics);
    }

    /**
     * The stores may count journal indices as done that the journal no longer has: its tail was lost (a power failure
     * with {@code journal.sync=false}) while the database kept what it had committed. The journal's next index must
     * then pass theirs, or the ticks journaled next would be skipped by the next replay and by the tick store.
     */
    private void continuePastTheStores(final RecoveryState state) {
        long storesIndex = journal.id().equals(state.journalId()) ? state.journalIndex() : -1;
        try {
            final TickStore.Position position = tickStore.position();
            if (journal.id().equals(position.journalId())) {
                storesIndex = Math.max(storesIndex, position.journalIndex());
            }
        } catch (final StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        final long lastIndex = journal.lastIndex();
        if (storesIndex > lastIndex) {
            final long padding = journal.continuePast(storesIndex);
            LOG.warn(
                    "the store is ahead of the journal, whose tail was lost (journal.sync=false and a power failure?): "
                            + "new ticks are journaled after the store's index; the lost ticks stay in the tick store, "
                            + "but bars open at the loss are rebuilt from the journal without them [storeIndex={}, "
                            + "journalLastIndex={}, paddingDocuments={}]",
                    storesIndex,
                    lastIndex,
                    padding);
        }
    }

    /** @return the gate producers offer their requests to: it journals them and publishes them to the ring. */
    public IngestGate gate() {
        return gate;
    }

    /**
     * Offers a request of ticks to the journal: the ingest gate (local journal), or with {@code journal.kind=kafka}
     * the replicated journal, which answers {@code ack} from its own thread once the cluster has the ticks.
     *
     * @return as {@link IngestGate#tryPublish}.
     */
    public long publishTicks(final TickBuffer ticks, final IngestAck ack) {
        return replicated != null ? replicated.tryPublish(ticks, ack) : gate.tryPublish(ticks, ack);
    }

    /** @return the most ticks one request may carry. */
    public int maxTicksPerRequest() {
        return replicated != null ? replicated.maxBatchSize() : gate.maxBatchSize();
    }

    /** @return the replicated journal ({@code journal.kind=kafka}), or {@code null} with the local one. */
    public ReplicatedJournal replicatedJournal() {
        return replicated;
    }

    /** @return the ring behind the gate (its size and free slots, for health and metrics). */
    public TickRing ring() {
        return ring;
    }

    /** @return symbol names ↔ ids; producers intern symbols here. */
    public NameTable symbols() {
        return symbols;
    }

    /** @return the database of the candle and tick stores (PostgreSQL pool or SQLite file). */
    public Database database() {
        return database;
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

    /** @return true while the bar rebuilder works on requests or has not yet counted the bars it wrote. */
    public boolean isRebuilding() {
        return rebuilder.isWorking();
    }

    /** @return symbol metadata and the canonical-name map ({@code POST /symbols}). */
    public SymbolStore symbolSpecs() {
        return symbolSpecs;
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

    /**
     * @return why ingest is stopped after an unexpected failure of a stage ({@link FailStop}), or {@code null}. Any
     *     thread: ingest answers 503 with it, {@code /health} is red with it.
     */
    public String stoppedReason() {
        return failStop.reason();
    }

    /**
     * A fault of the memory-mapped journal that surfaced outside the gate, on the thread that wrote, after the write
     * returned: the journal takes nothing more and ingest stops until a restart, as for a failed append. Any thread.
     */
    public void onJournalFault(final Throwable cause) {
        gate.onLateFault(cause);
    }

    /** @return the journal's free-space gate. */
    public JournalSpace journalSpace() {
        return journalSpace;
    }

    /** @return the journal. */
    public TickJournal journal() {
        return journal;
    }

    /** @return the journal's mirror ({@code journal.mirror}), or {@code null} when there is none. */
    public JournalMirror journalMirror() {
        return mirror;
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
        if (replicated != null) {
            // First: no more ticks taken, those in flight answered, what was read stored.
            replicated.close();
        }
        if (!ring.close(timeoutMs, TimeUnit.MILLISECONDS)) {
            LOG.error("ring did not drain in time; the journal replay recovers the rest at the next start");
        }
        // Stopped, then drained on this thread: the candles are committed when close returns.
        writerRunner.close();
        if (!writer.drain(timeoutMs, TimeUnit.MILLISECONDS)) {
            LOG.error("writer did not commit everything; the journal replay recovers it at the next start");
        }
        // Stopped, then finished on this thread: the ticks and rebuilt bars are in the store when close returns.
        tickStoreRunner.close();
        rebuilderRunner.close();
        if (retentionRunner != null) {
            retentionRunner.close();
        }
        if (journalPagesRunner != null) {
            journalPagesRunner.close();
        }
        try {
            if (!tickStoreWriter.catchUp(timeoutMs, TimeUnit.MILLISECONDS)) {
                LOG.error("tick store did not catch up in time; it goes on from the journal at the next start");
            } else if (!rebuilder.drain(timeoutMs, TimeUnit.MILLISECONDS)) {
                LOG.error("bars left to rebuild; they are rebuilt at the next start");
            }
        } catch (final StoreException | RuntimeException e) {
            LOG.error("tick store stopped before catching up; it goes on at the next start [cause={}]", e.toString());
        }
        if (mirrorRunner != null) {
            // Stopped, then finished on this thread: what the journal holds is shipped when close returns.
            mirrorRunner.close();
            if (!mirror.finish(timeoutMs)) {
                LOG.error(
                        "journal mirror did not ship everything in time; it goes on from the journal at the next start"
                                + " [mirror={}, lagRecords={}]",
                        mirror.describe(),
                        mirror.lagRecords());
            }
            mirror.close();
        }
        tickStore.close();
        journal.close();
        if (views.isDedicatedReader()) {
            readerDatabase.close();
        }
        store.close();
        LOG.info("tick engine stopped");
    }

    private static ThreadFactory threadFactory(final boolean sync) {
        final AtomicInteger n = new AtomicInteger();
        final String[] names =
                sync ? new String[] {"tick-journal-sync", "tick-aggregator"} : new String[] {"tick-aggregator"};
        return runnable -> {
            final int i = n.getAndIncrement();
            final Thread t = new Thread(runnable, i < names.length ? names[i] : "tick-handler-" + i);
            t.setDaemon(true);
            return t;
        };
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

    /**
     * What a ring handler throws stops ingest ({@link FailStop}): the handler may have half-applied the event, so
     * carrying on would build candles that a replay would not. The journal keeps the ticks; a restart replays them.
     */
    private static final class FailStopExceptionHandler implements ExceptionHandler<TickEvent> {
        private final FailStop failStop;
        private final EngineMetrics metrics;

        FailStopExceptionHandler(final FailStop failStop, final EngineMetrics metrics) {
            this.failStop = failStop;
            this.metrics = metrics;
        }

        @Override
        public void handleEventException(final Throwable ex, final long sequence, final TickEvent event) {
            metrics.handlerErrors.incrementRelease();
            failStop.stop(
                    "ring handler [sequence=" + sequence + ", symbolId=" + event.symbolId() + ", timeMsc="
                            + event.timeMsc() + "]",
                    ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex) {
            failStop.stop("ring handler start", ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex) {
            LOG.error("ring handler failed to shut down", ex);
        }
    }
}
