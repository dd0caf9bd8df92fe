package io.tickengine.core;

import com.lmax.disruptor.ExceptionHandler;
import io.tickengine.core.candle.CandleAggregator;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.journal.ChronicleSettings;
import io.tickengine.core.journal.JournalHandler;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.query.ViewQuery;
import io.tickengine.core.ring.TickEvent;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.signal.SignalStore;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.CandleWriter;
import io.tickengine.core.store.Database;
import io.tickengine.core.store.RecoveryState;
import io.tickengine.core.store.StoreException;
import io.tickengine.core.store.postgres.PostgresCandleStore;
import io.tickengine.core.store.sqlite.SqliteCandleStore;
import io.tickengine.core.tick.NameTable;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tick pipeline, assembled: {@code producers -> ring -> journal handler -> candle aggregator -> writer -> store}.
 *
 * <p>{@link #start} opens the store and the journal, replays the journal from the store's resume points (so every
 * open bar is rebuilt exactly, see {@link CandleAggregator}), then starts the writer and the ring. Producers publish
 * through {@link #ring()}. {@link #close()} stops accepting, drains the ring, flushes the writer and closes the
 * journal and the store.
 */
public final class TickEngine implements AutoCloseable {
    static {
        ChronicleSettings.disableAnalytics();
    }

    private static final Logger LOG = LoggerFactory.getLogger(TickEngine.class);
    private static final long VIEW_QUERY_TIMEOUT_MS = 5_000;

    private final EngineContext context;
    private final EngineMetrics metrics;
    private final NameTable symbols;
    private final NameTable sources;
    private final CandleStore store;
    private final Database readerDatabase;
    private final SignalStore signals;
    private final ViewQuery views;
    private final TickJournal journal;
    private final CandleAggregator aggregator;
    private final CandleWriter writer;
    private final TickRing ring;
    private volatile boolean closed;

    private TickEngine(
            final EngineContext context, final Database database, final CandleStore store, final TickJournal journal) {
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

        final OneToOneRingBuffer toWriter = new OneToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(context.writerRingBytes() + RingBufferDescriptor.TRAILER_LENGTH)));
        this.aggregator = new CandleAggregator(
                symbols,
                context.timeframes().toArray(new Timeframe[0]),
                context.lateWindowMsc(),
                context.sessionOffsetMsc(),
                context.lastPriceSymbols(),
                toWriter,
                context.dedupWindow(),
                metrics);
        final JournalHandler journalHandler =
                new JournalHandler(journal, symbols, sources, context.journalSync(), context.dedupWindow(), metrics);
        this.ring = new TickRing(
                context.ringSize(),
                context.maxBatchSize(),
                context.waitStrategy(),
                threadFactory(),
                new LoggingExceptionHandler(metrics),
                journalHandler,
                aggregator);
        journalHandler.readAheadIn(ring);
        this.writer = writer(context, store, toWriter, symbols, sources, journal.id(), metrics, new Housekeeping());
        recover(journalHandler);
    }

    private static OneToOneRingBuffer writerRing(final EngineContext context) {
        return new OneToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(context.writerRingBytes() + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    private static CandleAggregator aggregator(
            final EngineContext context,
            final NameTable symbols,
            final OneToOneRingBuffer toWriter,
            final EngineMetrics metrics) {
        return new CandleAggregator(
                symbols,
                context.timeframes().toArray(new Timeframe[0]),
                context.lateWindowMsc(),
                context.sessionOffsetMsc(),
                context.lastPriceSymbols(),
                toWriter,
                context.dedupWindow(),
                metrics);
    }

    private static CandleWriter writer(
            final EngineContext context,
            final CandleStore store,
            final OneToOneRingBuffer toWriter,
            final NameTable symbols,
            final NameTable sources,
            final String journalId,
            final EngineMetrics metrics,
            final CandleWriter.IdleAction idleAction) {
        return new CandleWriter(
                store,
                toWriter,
                symbols,
                sources,
                journalId,
                context.writerBatchSize(),
                TimeUnit.MILLISECONDS.toNanos(context.writerFlushIntervalMs()),
                TimeUnit.MILLISECONDS.toNanos(context.writerBackoffMinMs()),
                TimeUnit.MILLISECONDS.toNanos(context.writerBackoffMaxMs()),
                metrics,
                idleAction);
    }

    /** What {@link #rebuild} did. */
    public record RebuildResult(long ticksReplayed, long barsWritten, boolean complete) {}

    /**
     * Rebuilds candles from the whole journal, ignoring the store's checkpoint, and writes them (replacing what
     * the store holds), with the resume points a normal start needs. Only bars whose open time is within
     * {@code [fromMsc, toMsc]} are written; bars that open before the end of the newest purged journal file are
     * never written, since that file may have held part of them ({@link TickJournal#purgedThroughMsc()}). Run it with no engine running on the same data.
     *
     * @param progress told the number of ticks replayed so far, now and then.
     */
    public static RebuildResult rebuild(
            final EngineContext context,
            final long fromMsc,
            final long toMsc,
            final java.util.function.LongConsumer progress)
            throws StoreException {
        if (!context.isConcluded()) {
            context.conclude();
        }
        final EngineMetrics metrics = new EngineMetrics();
        final NameTable symbols = new NameTable(context.namesCapacity());
        final NameTable sources = new NameTable(context.namesCapacity());
        try (CandleStore store = openStore(context);
                TickJournal journal = TickJournal.open(context.journalDir(), context.journalRollCycle())) {
            final OneToOneRingBuffer toWriter = writerRing(context);
            final CandleAggregator aggregator = aggregator(context, symbols, toWriter, metrics);
            aggregator.emitOnly(Math.max(fromMsc, journal.purgedThroughMsc()), toMsc);
            // The store's windows hold seqs whose journal files may be gone: the replay adds to them.
            restoreSources(store.loadRecoveryState(), sources, aggregator, null);
            final CandleWriter writer =
                    writer(context, store, toWriter, symbols, sources, journal.id(), metrics, () -> {});
            writer.start();
            final long[] count = {0};
            journal.replay(Long.MIN_VALUE, (record, index) -> {
                final int sourceId =
                        record.sourceLength == 0 ? -1 : sources.intern(record.source, 0, record.sourceLength);
                replay(aggregator, symbols, record, sourceId, index);
                if ((++count[0] & 65_535) == 0) {
                    handOverFully(aggregator);
                    progress.accept(count[0]);
                }
            });
            handOverFully(aggregator);
            progress.accept(count[0]);
            final boolean complete = writer.close(context.shutdownTimeoutMs(), TimeUnit.MILLISECONDS);
            return new RebuildResult(count[0], metrics.candlesWritten.get(), complete);
        }
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
        final TickJournal journal;
        try {
            journal = TickJournal.open(context.journalDir(), context.journalRollCycle());
        } catch (final RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            final TickEngine engine = new TickEngine(context, database, store, journal);
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
            store.close();
            throw e;
        }
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

    private static CandleStore openStore(final EngineContext context, final Database database) throws StoreException {
        if (database.dialect() == Database.Dialect.SQLITE) {
            return new SqliteCandleStore(database);
        }
        final PostgresCandleStore store = new PostgresCandleStore(database, context.dbSchemaInit());
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(context.dbStartupTimeoutMs());
        boolean waiting = false;
        while (true) {
            try {
                store.initSchema();
                return store;
            } catch (final StoreException e) {
                if (deadlineNs - System.nanoTime() < 0 || e.getMessage().contains("db.schema.init=false")) {
                    store.close();
                    throw e;
                }
                if (!waiting) {
                    waiting = true;
                    LOG.warn(
                            "waiting for the database [store={}, timeoutMs={}, cause={}]",
                            store.describe(),
                            context.dbStartupTimeoutMs(),
                            e.getMessage());
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
        restoreSources(state, sources, aggregator, journalHandler);
        long fromIndex = Long.MIN_VALUE;
        if (journal.id().equals(state.journalId())) {
            fromIndex = state.journalIndex() + 1;
            metrics.committedJournalIndex.set(state.journalIndex());
            for (final Map.Entry<String, RecoveryState.SymbolState> e :
                    state.symbols().entrySet()) {
                final RecoveryState.SymbolState s = e.getValue();
                aggregator.restoreSymbol(
                        symbols.intern(e.getKey()), s.replayFromIndex(), s.replayWatermarkMsc(), s.watermarkMsc());
                fromIndex = Math.min(fromIndex, s.replayFromIndex());
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
            final int sourceId = record.sourceLength == 0 ? -1 : sources.intern(record.source, 0, record.sourceLength);
            if (sourceId >= 0 && record.seq > 0) {
                journalHandler.restoreSequence(sourceId, record.seq);
            }
            replay(aggregator, symbols, record, sourceId, index);
            if ((++count[0] & 4095) == 0) {
                handOverFully();
            }
        });
        handOverFully();
        metrics.ticksReplayed.getAndAddRelease(count[0]);
        metrics.lastJournalIndex.set(journal.lastIndex());
        EngineMetrics.record(metrics.replayDuration, System.nanoTime() - startNs, EngineMetrics.MAX_LONG_LATENCY_NS);
        LOG.info(
                "journal replayed [ticks={}, openBars={}, ms={}]",
                count[0],
                aggregator.openBars(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
    }

    /**
     * Puts each source's seqs back as the store has them, before the journal replay adds the seqs journaled after
     * the checkpoint.
     *
     * @param journalHandler {@code null} when no ring runs (rebuild).
     */
    private static void restoreSources(
            final RecoveryState state,
            final NameTable sources,
            final CandleAggregator aggregator,
            final JournalHandler journalHandler) {
        for (final Map.Entry<String, RecoveryState.SourceState> source :
                state.sources().entrySet()) {
            final int id = sources.intern(source.getKey());
            final RecoveryState.SourceState s = source.getValue();
            final UnsafeBuffer window = s.window() == null ? null : new UnsafeBuffer(s.window());
            final int length = s.window() == null ? 0 : s.window().length;
            if (journalHandler != null) {
                journalHandler.restoreSource(id, s.lastSeq(), window, length);
            }
            aggregator.restoreSource(id, s.lastSeq(), window, length);
        }
    }

    private static void replay(
            final CandleAggregator aggregator,
            final NameTable symbols,
            final io.tickengine.core.journal.JournalRecord record,
            final int sourceId,
            final long index) {
        final int symbolId = symbols.intern(record.symbol, 0, record.symbolLength);
        if (record.kind == io.tickengine.core.journal.TickRecordDescriptor.KIND_BAR) {
            aggregator.onBar(
                    symbolId,
                    record.barTimeframe,
                    record.timeMsc,
                    record.barOpen,
                    record.barHigh,
                    record.barLow,
                    record.barClose,
                    record.barTickVolume,
                    record.barRealVolume,
                    record.barSpread,
                    index);
        } else {
            aggregator.onReplayedTick(
                    symbolId,
                    record.timeMsc,
                    record.bid,
                    record.ask,
                    record.last,
                    record.volumeReal,
                    sourceId,
                    record.seq,
                    index);
        }
    }

    private void handOverFully() {
        handOverFully(aggregator);
    }

    private static void handOverFully(final CandleAggregator aggregator) {
        while (!aggregator.handOver()) {
            java.util.concurrent.locks.LockSupport.parkNanos(100_000L);
        }
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

        @Override
        public void onIdle() {
            if (aggregator.isHandOverPending()) {
                ring.tryPublishHeartbeat();
            }
            final long nowNs = System.nanoTime();
            if (context.journalRetentionDays() > 0 && nowNs - nextPurgeNs >= 0) {
                nextPurgeNs = nowNs + PURGE_INTERVAL_NS;
                purgeJournal();
            }
        }

        private void purgeJournal() {
            try {
                final RecoveryState state = store.loadRecoveryState();
                long keep = state.journalIndex() + 1;
                for (final RecoveryState.SymbolState s : state.symbols().values()) {
                    keep = Math.min(keep, s.replayFromIndex());
                }
                final long olderThanMsc =
                        System.currentTimeMillis() - TimeUnit.DAYS.toMillis(context.journalRetentionDays());
                if (state.journalIndex() >= 0) {
                    journal.purge(keep, olderThanMsc);
                }
            } catch (final StoreException | RuntimeException e) {
                LOG.warn("journal purge skipped [cause={}]", e.toString());
            }
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
