package io.tickengine.core.store;

import static io.tickengine.core.candle.CandleDescriptor.LENGTH;

import io.tickengine.core.candle.BarMath;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.tick.NameTable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds bars from the stored ticks: the requests the aggregator left in {@code engine_rebuild} for a tick too
 * late for its bar, or for a range an import replaced. A request is taken once the tick store has passed its journal
 * index (so every tick it needs is stored); the bars are recomputed with {@link BarMath}, the same arithmetic as the
 * live aggregator, and written whole with the requests deleted, in one transaction. Candles therefore equal the
 * accepted ticks whatever their order of arrival.
 *
 * <p>An Agrona {@link Agent}: a store that fails is retried at the next poll; anything unexpected goes to the
 * runner's error handler and the requests stay stored, so the next duty cycle starts over from them.
 */
public final class BarRebuilder implements Agent, TickStore.TickHandler {
    private static final Logger LOG = LoggerFactory.getLogger(BarRebuilder.class);
    private static final int REQUESTS_PER_POLL = 1_000;
    /** Bars per transaction while rebuilding a long range; the requests are deleted with the last. */
    private static final int BARS_PER_WRITE = 50_000;
    /**
     * The longest an idle rebuilder goes without asking the store: requests are looked for sooner only when one was
     * made or the tick store moved since the last empty answer.
     */
    private static final long QUIET_POLL_NS = TimeUnit.SECONDS.toNanos(2);

    private final CandleStore candles;
    private final TickStore ticks;
    private final LongSupplier tickStoreIndex;
    private final Set<String> lastPriceSymbols;
    private final long sessionOffsetMsc;
    private final EngineMetrics metrics;
    private final long pollIntervalNs;
    private final NameTable symbols;
    private final StoreBatch batch;
    private final Timeframe[] allTimeframes = Timeframe.values();
    /** One bar in the making per timeframe, in the layout of {@code CandleDescriptor}. */
    private final UnsafeBuffer bars = new UnsafeBuffer(ByteBuffer.allocateDirect(allTimeframes.length * LENGTH));

    private final boolean[] requested = new boolean[allTimeframes.length];
    private final long[][] intervalFrom = new long[allTimeframes.length][];
    private final long[][] intervalTo = new long[allTimeframes.length][];
    private final int[] intervalCount = new int[allTimeframes.length];
    private final int[] intervalAt = new int[allTimeframes.length];
    private final long[] currentOpen = new long[allTimeframes.length];

    private int symbolId;
    private boolean usesLast;
    private long nextPollNs;
    private long nextQuietPollNs;
    /** The request count and tick store index at the last empty answer: while both stand still, nothing is new. */
    private long emptyAtRequests = Long.MIN_VALUE;

    private long emptyAtTickStoreIndex = Long.MIN_VALUE;
    private boolean storeDown;
    /**
     * True from taking requests until their bars are counted: a rebuild's commit deletes its requests before the
     * counters move, so "no request pending" alone does not mean the metrics tell all.
     */
    private volatile boolean working;

    /**
     * @param tickStoreIndex the last journal index whose ticks are stored ({@link TickStoreWriter#committedIndex}).
     */
    public BarRebuilder(
            final CandleStore candles,
            final TickStore ticks,
            final LongSupplier tickStoreIndex,
            final Set<String> lastPriceSymbols,
            final long sessionOffsetMsc,
            final EngineMetrics metrics,
            final long pollIntervalNs) {
        this.candles = candles;
        this.ticks = ticks;
        this.tickStoreIndex = tickStoreIndex;
        this.lastPriceSymbols = Set.copyOf(lastPriceSymbols);
        this.sessionOffsetMsc = sessionOffsetMsc;
        this.metrics = metrics;
        this.pollIntervalNs = pollIntervalNs;
        this.symbols = new NameTable(1024);
        this.batch = new StoreBatch(symbols, new NameTable(16));
        for (int i = 0; i < allTimeframes.length; i++) {
            intervalFrom[i] = new long[8];
            intervalTo[i] = new long[8];
        }
    }

    @Override
    public String roleName() {
        return "bar-rebuilder";
    }

    @Override
    public int doWork() {
        final long nowNs = System.nanoTime();
        if (nowNs - nextPollNs < 0) {
            return 0;
        }
        final long requests = metrics.rebuildRequests.get();
        final long stored = tickStoreIndex.getAsLong();
        if (requests == emptyAtRequests && stored == emptyAtTickStoreIndex && nowNs - nextQuietPollNs < 0) {
            nextPollNs = nowNs + pollIntervalNs;
            return 0;
        }
        final int done = rebuildReady();
        if (done == 0) {
            nextPollNs = nowNs + pollIntervalNs;
            nextQuietPollNs = nowNs + QUIET_POLL_NS;
            emptyAtRequests = storeDown ? Long.MIN_VALUE : requests;
            emptyAtTickStoreIndex = stored;
        }
        return done;
    }

    /**
     * Rebuilds what is ready now, on the caller's thread (tools, and shutdown after the agent stopped), until
     * nothing is left that the tick store has passed, or the timeout.
     *
     * @return true if no ready request is left.
     */
    public boolean drain(final long timeout, final TimeUnit unit) {
        final long deadlineNs = System.nanoTime() + unit.toNanos(timeout);
        while (deadlineNs - System.nanoTime() > 0) {
            if (rebuildReady() == 0) {
                return !storeDown;
            }
        }
        return false;
    }

    /**
     * @return true while a rebuild is under way or its bars not yet counted; false once the metrics cover every
     *     request done.
     */
    public boolean isWorking() {
        return working;
    }

    /** @return the number of requests done. */
    private int rebuildReady() {
        working = true;
        try {
            return rebuildReadyRequests();
        } finally {
            working = false;
        }
    }

    private int rebuildReadyRequests() {
        final long through = tickStoreIndex.getAsLong();
        final List<RebuildRequest> requests;
        try {
            requests = candles.rebuildRequests(through, REQUESTS_PER_POLL);
            if (requests.isEmpty()) {
                onStoreUp();
                return 0;
            }
            final Map<String, List<RebuildRequest>> bySymbol = new LinkedHashMap<>();
            for (final RebuildRequest r : requests) {
                bySymbol.computeIfAbsent(r.symbol(), s -> new ArrayList<>()).add(r);
            }
            for (final Map.Entry<String, List<RebuildRequest>> e : bySymbol.entrySet()) {
                rebuild(e.getKey(), e.getValue());
            }
        } catch (final StoreException e) {
            batch.clear();
            if (!storeDown) {
                storeDown = true;
                LOG.warn("bar rebuild waiting for the store [cause={}]", e.getMessage());
            }
            return 0;
        }
        onStoreUp();
        return requests.size();
    }

    private void onStoreUp() {
        if (storeDown) {
            storeDown = false;
            LOG.info("bar rebuild going on");
        }
    }

    private void rebuild(final String symbol, final List<RebuildRequest> requests) throws StoreException {
        symbolId = symbols.intern(symbol);
        usesLast = lastPriceSymbols.contains(symbol);
        Arrays.fill(requested, false);
        Arrays.fill(intervalCount, 0);
        Arrays.fill(intervalAt, 0);
        Arrays.fill(currentOpen, Long.MIN_VALUE);
        long fromMsc = Long.MAX_VALUE;
        long toMsc = Long.MIN_VALUE;
        for (final RebuildRequest r : requests) {
            final Timeframe tf = r.timeframe();
            if (tf == null || !tf.isAggregatable()) {
                continue;
            }
            addInterval(tf.ordinal(), r.fromMsc(), r.toMsc());
            fromMsc = Math.min(fromMsc, r.fromMsc());
            toMsc = Math.max(toMsc, tf.closeTime(r.toMsc(), sessionOffsetMsc));
        }
        if (fromMsc < toMsc) {
            ticks.forEachTick(symbol, fromMsc, toMsc, this);
            for (int tf = 0; tf < allTimeframes.length; tf++) {
                closeBar(tf);
            }
        }
        for (final RebuildRequest r : requests) {
            batch.completeRebuild(r.id());
        }
        write();
    }

    @Override
    public void onTick(
            final long timeMsc,
            final double bid,
            final double ask,
            final double last,
            final double volumeReal,
            final long seq,
            final long ord) {
        final double price = BarMath.price(usesLast, bid, last);
        if (!(price > 0)) {
            return;
        }
        final double spread = BarMath.spread(bid, ask);
        final long order = BarMath.order(seq, ord);
        for (int tf = 0; tf < allTimeframes.length; tf++) {
            if (!requested[tf]) {
                continue;
            }
            final long openTime = allTimeframes[tf].openTime(timeMsc, sessionOffsetMsc);
            if (!covers(tf, openTime)) {
                continue;
            }
            final int o = tf * LENGTH;
            if (currentOpen[tf] != openTime) {
                closeBar(tf);
                BarMath.open(bars, o, symbolId, tf, openTime, timeMsc, order, price, spread, volumeReal);
                currentOpen[tf] = openTime;
            } else {
                BarMath.update(bars, o, timeMsc, order, price, spread, volumeReal);
            }
        }
    }

    private void closeBar(final int tf) {
        if (currentOpen[tf] == Long.MIN_VALUE) {
            return;
        }
        batch.putCandle(bars, tf * LENGTH);
        currentOpen[tf] = Long.MIN_VALUE;
        if (batch.candleCount() >= BARS_PER_WRITE) {
            try {
                write();
            } catch (final StoreException e) {
                // Rethrown unchecked from inside the tick stream; the requests stay stored and run again.
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }

    private void write() throws StoreException {
        final int written = batch.candleCount();
        try {
            metrics.barsSetAside.getAndAddRelease(candles.write(batch));
        } finally {
            batch.clear();
        }
        metrics.barsRebuilt.getAndAddRelease(written);
    }

    private void addInterval(final int tf, final long fromMsc, final long toMsc) {
        requested[tf] = true;
        final int n = intervalCount[tf];
        if (n == intervalFrom[tf].length) {
            intervalFrom[tf] = Arrays.copyOf(intervalFrom[tf], n * 2);
            intervalTo[tf] = Arrays.copyOf(intervalTo[tf], n * 2);
        }
        // Kept sorted by start: requests arrive in any order.
        int i = n;
        while (i > 0 && intervalFrom[tf][i - 1] > fromMsc) {
            intervalFrom[tf][i] = intervalFrom[tf][i - 1];
            intervalTo[tf][i] = intervalTo[tf][i - 1];
            i--;
        }
        intervalFrom[tf][i] = fromMsc;
        intervalTo[tf][i] = toMsc;
        intervalCount[tf] = n + 1;
    }

    /** Ticks come in time order, so each timeframe's intervals are walked once. */
    private boolean covers(final int tf, final long openTime) {
        final long[] from = intervalFrom[tf];
        final long[] to = intervalTo[tf];
        for (int i = intervalAt[tf], n = intervalCount[tf]; i < n; i++) {
            if (openTime < from[i]) {
                return false;
            }
            if (openTime <= to[i]) {
                return true;
            }
            if (i == intervalAt[tf]) {
                intervalAt[tf] = i + 1; // passed for good: open times only grow
            }
        }
        return false;
    }
}
