package io.tickengine.core.candle;

import static io.tickengine.core.candle.CandleDescriptor.*;
import static io.tickengine.core.candle.CandleMessageDescriptor.*;

import com.lmax.disruptor.EventHandler;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.ring.TickEvent;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.SourceSequences;
import java.util.Arrays;
import java.util.Set;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * Second handler of the ring: builds bars of every configured timeframe from the journaled ticks, in off-heap
 * slots ({@link BarBook}), and hands changed bars to the writer.
 *
 * <h2>Late ticks</h2>
 * Each symbol has a watermark, the newest tick time applied. A tick is late when its bar of the smallest timeframe
 * is final: {@code open + duration <= watermark - lateWindow}. A late tick is counted, each of its bars that is final
 * is rebuilt from the stored ticks, and the longer bars that are still open take it. A final bar is handed to the
 * writer one last time and its slot freed.
 *
 * <h2>Base bars folded into the longer ones</h2>
 * When the smallest timeframe is M1 (every longer bar then holds whole M1 bars), a tick in time updates its M1 bar
 * only. At each hand-over, before anything is handed over or found final, every M1 bar changed since the last one is
 * folded into the longer bars that hold it ({@link #foldBaseBars}): open, high, low, close and spread come out as
 * tick by tick, the volumes are added as what the M1 bar took since its last fold. Over thousands of symbols a tick
 * then touches one bar that left the cache instead of one per timeframe. The real volume of a longer bar is thus
 * summed per fold instead of per tick: with volumes that are not binary fractions it can differ from a tick-by-tick
 * sum in the last bits of a double.
 *
 * <h2>Exactly-once across restarts</h2>
 * At the end of a batch the aggregator hands over, in order: every changed bar, then per touched symbol the journal
 * index of the first tick of its oldest open bar with the watermark just before that tick ("replay from"), then
 * per touched source its highest seq, then a checkpoint naming the last journal index applied. The writer commits a
 * checkpoint in the same transaction as everything before it. On restart {@link #restoreSymbol} puts each symbol
 * back at its replay-from point and the journal is replayed through {@link #onReplayedTick}: every open bar is
 * rebuilt from its first tick with the same watermarks, hence the same late decisions. Bars already final at the
 * checkpoint are complete in the store; the replay may touch them again from a partial set of ticks, so they are
 * never handed over again.
 *
 * <p>A source's highest seq goes with its window of accepted seqs ({@link SourceSequences}), restored by
 * {@link #restoreSource}; the replay adds the seqs journaled after the checkpoint.
 *
 * <p>All methods run on one thread at a time: the start-up thread while replaying, then the ring's handler thread.
 */
public final class CandleAggregator implements EventHandler<TickEvent> {
    /** The replay-from point of a symbol with no open bar: replay it from just after the checkpoint. */
    public static final long NO_OPEN_BAR = Long.MAX_VALUE;

    private final NameTable symbols;
    private final Timeframe[] timeframes;
    private final Timeframe base;
    /**
     * The base timeframe is M1: every longer bar holds whole base bars, so ticks in time update the base bar only
     * and the longer ones are folded from it at each hand-over ({@link #foldBaseBars}).
     */
    private final boolean foldsBase;

    private final long lateWindowMsc;
    private final long sessionOffsetMsc;
    private final Set<String> lastPriceSymbols;
    private final RingBuffer toWriter;
    private final EngineMetrics metrics;
    private final BarBook book;
    private final SourceSequences sourceSequences;
    private final IntArrayList dirtySources = new IntArrayList();
    private final IntArrayList touchedSymbols = new IntArrayList();
    /** Whole bars given by clients, in journal order, waiting to be handed to the writer. */
    private final org.agrona.ExpandableDirectByteBuffer givenBars = new org.agrona.ExpandableDirectByteBuffer(4096);

    private int givenBarCount;
    private int givenBarsHandedOver;

    private int symbolCapacity;
    private boolean[] symbolKnown;
    private boolean[] usesLast;
    private long[] watermark;
    private long[] replayFrom;
    private long[] finalAt;
    /**
     * Per symbol: no later than the close ({@code open + duration}) of its earliest open bar, exact after each walk
     * over its bars in {@link #handOverFinalBars}; {@code Long.MAX_VALUE} with no open bar. Finds silent symbols
     * without a walk over every open bar, and spares the walk when none of a symbol's bars can be final.
     */
    private long[] earliestCloseMsc;

    private boolean[] touched;
    /**
     * Per symbol: the journal index of the first tick of its oldest open bar and the watermark just before it, or
     * {@link #NO_OPEN_BAR}; kept as bars open (a new bar's first tick is the newest, so only the first one matters)
     * and found again by a walk over the symbol's bars once a bar closes ({@link #replayStale}).
     */
    private long[] replayFrom0;

    private long[] replayWatermark0;
    /** Per symbol: a bar closed since {@link #replayFrom0} was found; the next checkpoint walks its bars. */
    private boolean[] replayStale;

    private boolean[] sourceDirty = new boolean[16];
    // Of a hand-over not finished yet: the sources already sent, the first in dirtySources to send next.
    private boolean[] sourceSent = new boolean[16];
    private int sourcesHandedOver;

    private long emitFromMsc = Long.MIN_VALUE;
    private long emitToMsc = Long.MAX_VALUE;
    private long lastJournalIndex = NONE;
    /** Publish time of the oldest live tick or bar not yet covered by a checkpoint message, or NONE. */
    private long oldestPublishNs = NONE;

    /** The newest tick time of any symbol: the market's clock, which makes a silent symbol's bars final too. */
    private long globalMark = NONE;
    /** The newest symbol watermark of the restored checkpoint. */
    private long restoredMark = NONE;
    /** Wall clock, read once per batch. */
    private long wallMsc = System.currentTimeMillis();
    /** Wall clock when {@link #globalMark} last moved. */
    private long globalMarkWallMsc = wallMsc;
    /** The market clock at the last sweep for bars of silent symbols. */
    private long sweptAtMsc = NONE;

    /** This batch's bars to rebuild from the stored ticks, merged per (symbol, timeframe). */
    private final BarRanges rebuilds = new BarRanges();

    private int rebuildsHandedOver;

    /**
     * Hand changed bars to the writer at least this often while ticks come in. The writer commits every 100 ms, so
     * 10 ms costs the store no freshness, and over many symbols (each getting under a tick a millisecond) a bar
     * changed by several ticks goes as one message instead of one per tick: at 5,000 symbols 1 ms made nearly every
     * tick seven bar messages, and 10 ms measured about 1.15x the ticks/s.
     */
    static final long HAND_OVER_INTERVAL_NS = 10_000_000L;
    /**
     * ... or as soon as this many bars changed: more than 5,000 symbols' bars, so that the interval decides. A larger
     * hand-over than the writer's ring holds goes in parts ({@link #handOver}).
     */
    static final int HAND_OVER_DIRTY_BARS = 65_536;
    /** With no tick at all, hand over this often anyway: the bars of silent symbols close at a hand-over. */
    static final long SILENT_HAND_OVER_NS = 1_000_000_000L;

    private boolean checkpointDue;
    private boolean handOverPending;
    /**
     * Changes are held for a later hand-over (by size or time, not every ring batch); the ring's idle timeout
     * ({@link #onTimeout}) makes sure they go when ticks stop.
     */
    private boolean changesHeld;

    private long lastHandOverNs = System.nanoTime();
    /** When {@link #handOver} was last called, whether it handed over all or not. */
    private long lastAttemptNs = lastHandOverNs;

    /**
     * @param timeframes the timeframes to build; all {@link Timeframe#isAggregatable()}, at least one.
     * @param lateWindowMsc how long after its bar closes (by the symbol's newest tick) a tick still updates it.
     * @param sessionOffsetMsc how far east of UTC D1/W1 bars start; a whole number of minutes.
     * @param lastPriceSymbols symbols built from {@code last} instead of {@code bid}.
     * @param toWriter the ring buffer the writer reads ({@link CandleMessageDescriptor}).
     * @param dedupWindow seqs remembered below each source's highest ({@link SourceSequences}), as the journal
     *     handler's: the aggregator keeps the same window of the ticks it applies, for the store.
     */
    public CandleAggregator(
            final NameTable symbols,
            final Timeframe[] timeframes,
            final long lateWindowMsc,
            final long sessionOffsetMsc,
            final Set<String> lastPriceSymbols,
            final RingBuffer toWriter,
            final int dedupWindow,
            final EngineMetrics metrics) {
        if (timeframes.length == 0) {
            throw new IllegalArgumentException("at least one timeframe is needed");
        }
        this.symbols = symbols;
        this.timeframes = timeframes.clone();
        Arrays.sort(this.timeframes);
        this.base = this.timeframes[0];
        this.foldsBase = base == Timeframe.M1 && this.timeframes.length > 1;
        this.lateWindowMsc = lateWindowMsc;
        this.sessionOffsetMsc = sessionOffsetMsc;
        this.lastPriceSymbols = Set.copyOf(lastPriceSymbols);
        this.toWriter = toWriter;
        this.metrics = metrics;
        this.sourceSequences = new SourceSequences(dedupWindow);
        this.book = new BarBook(256);
        allocateSymbols(64);
    }

    /**
     * Restores one symbol from the store's recovery state before the replay: ticks journaled before
     * {@code replayFromIndex} are already reflected in the store, and bars final at {@code checkpointWatermarkMsc}
     * are complete there.
     */
    public void restoreSymbol(
            final int symbolId,
            final long replayFromIndex,
            final long replayWatermarkMsc,
            final long checkpointWatermarkMsc) {
        ensureSymbol(symbolId);
        replayFrom[symbolId] = replayFromIndex;
        watermark[symbolId] = replayWatermarkMsc;
        finalAt[symbolId] = checkpointWatermarkMsc;
        restoredMark = Math.max(restoredMark, checkpointWatermarkMsc);
    }

    /**
     * Ends the replay: the market clock moves on to where it was at the checkpoint, if the replay has not brought it
     * there. Not before: replayed ticks are judged as they were when they came.
     */
    public void onReplayEnd() {
        if (restoredMark > globalMark) {
            globalMark = restoredMark;
        }
        wallMsc = System.currentTimeMillis();
        globalMarkWallMsc = wallMsc;
    }

    /**
     * Hands over only bars whose open time is within {@code [fromMsc, toMsc]}; others are built but not written.
     * For a rebuild of part of the history.
     */
    public void emitOnly(final long fromMsc, final long toMsc) {
        this.emitFromMsc = fromMsc;
        this.emitToMsc = toMsc;
    }

    /** Restores a source's highest seq and window as the store has them ({@link SourceSequences#restore}). */
    public void restoreSource(final int sourceId, final long seq, final DirectBuffer window, final int length) {
        sourceSequences.restore(sourceId, seq, window, 0, length);
    }

    /** Applies one tick read back from the journal (start-up thread, before the ring starts). */
    public void onReplayedTick(
            final int symbolId,
            final long timeMsc,
            final double bid,
            final double ask,
            final double last,
            final double volumeReal,
            final int sourceId,
            final long seq,
            final long journalIndex) {
        onTick(symbolId, timeMsc, bid, ask, last, volumeReal, sourceId, seq, journalIndex);
    }

    /**
     * Takes a whole bar (history backfill) read back from the journal or journaled just now: it replaces the stored
     * bar as it is. A bar the aggregator is also building from ticks is replaced again by that bar's next version.
     */
    public void onBar(
            final int symbolId,
            final int timeframe,
            final long openTimeMsc,
            final double open,
            final double high,
            final double low,
            final double close,
            final long tickVolume,
            final double realVolume,
            final double spread,
            final long journalIndex) {
        ensureSymbol(symbolId);
        if (journalIndex < replayFrom[symbolId]) {
            return; // replay: already in the store
        }
        lastJournalIndex = journalIndex;
        checkpointDue = true;
        final int o = givenBarCount++ * STORE_LENGTH;
        givenBars.putLong(o + OPEN_TIME_OFFSET, openTimeMsc);
        givenBars.putDouble(o + OPEN_OFFSET, open);
        givenBars.putDouble(o + HIGH_OFFSET, high);
        givenBars.putDouble(o + LOW_OFFSET, low);
        givenBars.putDouble(o + CLOSE_OFFSET, close);
        givenBars.putDouble(o + REAL_VOLUME_OFFSET, realVolume);
        givenBars.putDouble(o + SPREAD_OFFSET, spread);
        givenBars.putLong(o + TICK_VOLUME_OFFSET, tickVolume);
        givenBars.putInt(o + SYMBOL_ID_OFFSET, symbolId);
        givenBars.putInt(o + TIMEFRAME_OFFSET, timeframe);
    }

    @Override
    public void onEvent(final TickEvent event, final long sequence, final boolean endOfBatch) {
        if (oldestPublishNs == NONE && !event.isDuplicate()) {
            oldestPublishNs = event.publishNs();
        }
        if (event.type() == TickEvent.TYPE_BAR && !event.isDuplicate()) {
            onBar(
                    event.symbolId(),
                    event.barTimeframe(),
                    event.timeMsc(),
                    event.barOpen(),
                    event.barHigh(),
                    event.barLow(),
                    event.barClose(),
                    event.barTickVolume(),
                    event.barRealVolume(),
                    event.barSpread(),
                    event.journalIndex());
        } else if (event.type() == TickEvent.TYPE_REPLACE && !event.isDuplicate()) {
            onReplace(event.symbolId(), event.timeMsc(), event.replaceToMsc(), event.journalIndex());
        } else if (event.type() == TickEvent.TYPE_TICK && !event.isDuplicate()) {
            onTick(
                    event.symbolId(),
                    event.timeMsc(),
                    event.bid(),
                    event.ask(),
                    event.last(),
                    event.volumeReal(),
                    event.sourceId(),
                    event.seq(),
                    event.journalIndex());
        }
        if (endOfBatch) {
            // By size or time, not after every ring batch: single-tick requests make batches of one, and handing over
            // seven bar versions, a symbol state and a checkpoint per tick costs the writer more than the ticks. A
            // hand-over the writer's ring had no room for is taken up again after the same interval, not at every
            // batch: each attempt folds the base bars, and over thousands of symbols a fold every batch would fold
            // each tick on its own.
            final long nowNs = System.nanoTime();
            if (handOverPending
                    ? nowNs - lastAttemptNs >= HAND_OVER_INTERVAL_NS
                    : book.dirtyCount() >= HAND_OVER_DIRTY_BARS
                            || givenBarCount > 0
                            || nowNs - lastHandOverNs >= HAND_OVER_INTERVAL_NS) {
                handOver();
            } else if (!changesHeld) {
                changesHeld = true;
            }
        }
    }

    /**
     * The ring has had no event for a while ({@link io.tickengine.core.ring.WaitStrategyType#IDLE_TIMEOUT_NS}): hands
     * over what is held or waits for room in the writer's ring, and now and then (every
     * {@link #SILENT_HAND_OVER_NS}) hands over without a cause, which closes the bars of silent symbols.
     */
    @Override
    public void onTimeout(final long sequence) {
        if (handOverPending || changesHeld || System.nanoTime() - lastHandOverNs >= SILENT_HAND_OVER_NS) {
            handOver();
        }
    }

    @Override
    public void onShutdown() {
        // Bars holding voided ticks are rebuilt now rather than when they close: the store is right when we stop.
        for (int i = 0, n = book.liveCount(); i < n; i++) {
            final int slot = book.live(i);
            if (book.isRebuild(slot)) {
                requestRebuild(slot);
            }
        }
        // The writer keeps draining while we wait: this ends as soon as it has room.
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (!handOver() && deadlineNs - System.nanoTime() > 0) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** @return the number of open bars held in the book's overflow slots, for tests. */
    int overflowBars() {
        return book.overflowBars();
    }

    /** @return the number of open bars held. */
    public int openBars() {
        return book.liveCount();
    }

    private void onTick(
            final int symbolId,
            final long timeMsc,
            final double bid,
            final double ask,
            final double last,
            final double volumeReal,
            final int sourceId,
            final long seq,
            final long journalIndex) {
        ensureSymbol(symbolId);
        if (journalIndex < replayFrom[symbolId]) {
            return; // replay: this tick's effect is already in the store
        }
        lastJournalIndex = journalIndex;
        checkpointDue = true;
        if (seq > 0 && sourceId >= 0) {
            sourceSequences.accept(sourceId, seq);
            markSourceDirty(sourceId);
        }
        final double price = BarMath.price(usesLast[symbolId], bid, last);
        if (!(price > 0)) {
            metrics.ticksNoPrice.incrementRelease();
            return;
        }
        if (timeMsc > globalMark) {
            globalMark = timeMsc;
            globalMarkWallMsc = wallMsc;
        }
        final long mark = effectiveMark(symbolId);
        final boolean late = mark != NONE && isFinal(base.openTime(timeMsc, sessionOffsetMsc), base, mark);
        if (late) {
            metrics.ticksLate.incrementRelease();
        } else if (timeMsc > watermark[symbolId]) {
            watermark[symbolId] = timeMsc;
        }
        touch(symbolId);
        final double spread = BarMath.spread(bid, ask);
        final long order = BarMath.order(seq, journalIndex);
        // A tick in time goes to its base bar only, folded into the longer timeframes at the hand-over; a late one,
        // whose base bar is final, joins the longer bars that are not final themselves directly.
        final boolean baseOnly = foldsBase && !late;
        final int applied = baseOnly ? 1 : timeframes.length;
        for (int t = 0; t < applied; t++) {
            final Timeframe tf = timeframes[t];
            if (!late) {
                // Nearly every tick falls in the bar its symbol's last tick of this timeframe updated.
                final int current = book.findCurrent(symbolId, tf.ordinal(), timeMsc, tf.durationMsc());
                if (current >= 0) {
                    BarMath.update(book.buffer(), BarBook.offset(current), timeMsc, order, price, spread, volumeReal);
                    changed(current, baseOnly);
                    continue;
                }
            }
            final long openTime = tf.openTime(timeMsc, sessionOffsetMsc);
            if (late && isFinal(openTime, tf, mark)) {
                // Its bar is final (maybe written, maybe never held here): rebuilt from the stored ticks instead.
                requestRebuild(symbolId, tf.ordinal(), openTime, openTime);
                continue;
            }
            // A bar that is not final holds every tick of its own: a late tick for a longer bar joins it here.
            final long key = key(symbolId, tf.ordinal(), openTime);
            int slot = book.find(symbolId, tf.ordinal(), openTime, key);
            if (slot < 0) {
                slot = book.create(key, symbolId, tf.ordinal(), openTime);
                opened(symbolId, tf, openTime, journalIndex, watermark[symbolId]);
                // Creating a slot may have grown the book into a new buffer: read it after, never before.
                final MutableDirectBuffer bars = book.buffer();
                final int o = BarBook.offset(slot);
                BarMath.open(bars, o, symbolId, tf.ordinal(), openTime, timeMsc, order, price, spread, volumeReal);
                bars.putLong(o + FIRST_JOURNAL_INDEX_OFFSET, journalIndex);
                bars.putLong(o + WATERMARK_AT_FIRST_OFFSET, watermark[symbolId]);
            } else {
                BarMath.update(book.buffer(), BarBook.offset(slot), timeMsc, order, price, spread, volumeReal);
            }
            changed(slot, baseOnly);
        }
        if (!late) {
            metrics.ticksAggregated.incrementRelease();
        }
    }

    /** A tick changed the bar at {@code slot}: its base bar only ({@code baseOnly}), to be folded, or one of all. */
    private void changed(final int slot, final boolean baseOnly) {
        if (baseOnly) {
            book.markDirtyToFold(slot);
        } else {
            book.markDirty(slot);
        }
    }

    /**
     * A bar opened: the symbol's earliest close and, if it had no open bar, its replay-from point (the journal index of
     * the bar's first tick and the watermark just before it).
     */
    private void opened(
            final int symbolId,
            final Timeframe tf,
            final long openTimeMsc,
            final long firstJournalIndex,
            final long watermarkAtFirst) {
        earliestCloseMsc[symbolId] = Math.min(earliestCloseMsc[symbolId], openTimeMsc + tf.durationMsc());
        if (replayFrom0[symbolId] == NO_OPEN_BAR && !replayStale[symbolId]) {
            replayFrom0[symbolId] = firstJournalIndex;
            replayWatermark0[symbolId] = watermarkAtFirst;
        }
    }

    /**
     * Folds what each changed base bar took since it was last folded into the bars of the longer timeframes that
     * hold it, opening them as needed: a tick in time then updates one bar instead of one per timeframe, and a
     * symbol's longer bars are read and written once a hand-over however many ticks it had. Open, close, high, low
     * and spread come out as tick by tick; the volumes are added as the part not folded before. Runs first at every
     * hand-over (so a longer bar is never handed over, or found final, behind its base bars) and before an import
     * flags bars to rebuild.
     */
    private void foldBaseBars() {
        if (!foldsBase) {
            return;
        }
        for (int i = 0, n = book.toFoldCount(); i < n; i++) {
            final int from = book.toFold(i);
            if (from < 0) {
                continue; // freed since it was listed
            }
            final MutableDirectBuffer bars = book.buffer();
            final int f = BarBook.offset(from);
            final long tickVolume = bars.getLong(f + TICK_VOLUME_OFFSET);
            final double realVolume = bars.getDouble(f + REAL_VOLUME_OFFSET);
            final long firstTime = bars.getLong(f + FIRST_TIME_OFFSET);
            final long firstOrder = bars.getLong(f + FIRST_ORDER_OFFSET);
            foldBaseBar(
                    from,
                    tickVolume - book.foldedTickVolume(from),
                    realVolume - book.foldedRealVolume(from),
                    !book.foldedFirst(from, firstTime, firstOrder));
            book.folded(from, tickVolume, realVolume, firstTime, firstOrder);
        }
        book.clearToFold();
    }

    /**
     * Folds the base bar at {@code from} into each longer bar that holds it: the volumes given, and its first tick
     * only if {@code firstChanged} (a tick in time changes only the first cache line of the bars).
     */
    private void foldBaseBar(
            final int from, final long tickVolume, final double realVolume, final boolean firstChanged) {
        final int f = BarBook.offset(from);
        final int symbolId = book.buffer().getInt(f + SYMBOL_ID_OFFSET);
        final long baseOpenTime = book.buffer().getLong(f + OPEN_TIME_OFFSET);
        for (int t = 1; t < timeframes.length; t++) {
            final Timeframe tf = timeframes[t];
            int slot = book.findCurrent(symbolId, tf.ordinal(), baseOpenTime, tf.durationMsc());
            if (slot < 0) {
                final long openTime = tf.openTime(baseOpenTime, sessionOffsetMsc);
                final long key = key(symbolId, tf.ordinal(), openTime);
                slot = book.find(symbolId, tf.ordinal(), openTime, key);
                if (slot < 0) {
                    slot = book.create(key, symbolId, tf.ordinal(), openTime);
                    final MutableDirectBuffer bars = book.buffer();
                    final long firstIndex = bars.getLong(f + FIRST_JOURNAL_INDEX_OFFSET);
                    final long watermarkAtFirst = bars.getLong(f + WATERMARK_AT_FIRST_OFFSET);
                    opened(symbolId, tf, openTime, firstIndex, watermarkAtFirst);
                    final int o = BarBook.offset(slot);
                    BarMath.openFrom(bars, o, f, tf.ordinal(), openTime, tickVolume, realVolume);
                    bars.putLong(o + FIRST_JOURNAL_INDEX_OFFSET, firstIndex);
                    bars.putLong(o + WATERMARK_AT_FIRST_OFFSET, watermarkAtFirst);
                    book.markDirty(slot);
                    continue;
                }
            }
            final MutableDirectBuffer bars = book.buffer();
            final int o = BarBook.offset(slot);
            BarMath.fold(bars, o, f, tickVolume, realVolume, firstChanged);
            // The journal index of the bar's first tick: a base bar folded later may hold an earlier one (a base bar's
            // first journal index never changes, so its first fold is the only one to look).
            if (firstChanged
                    && bars.getLong(f + FIRST_JOURNAL_INDEX_OFFSET) < bars.getLong(o + FIRST_JOURNAL_INDEX_OFFSET)) {
                bars.putLong(o + FIRST_JOURNAL_INDEX_OFFSET, bars.getLong(f + FIRST_JOURNAL_INDEX_OFFSET));
                bars.putLong(o + WATERMARK_AT_FIRST_OFFSET, bars.getLong(f + WATERMARK_AT_FIRST_OFFSET));
            }
            book.markDirty(slot);
        }
    }

    /**
     * Voids the symbol's ticks within {@code [fromMsc, toMsc]} journaled before this record (an import replaced
     * them): every bar over that range is rebuilt from the stored ticks once the tick store has passed
     * {@code journalIndex}, and the open ones among them are flagged, never written from their (wrong) content.
     */
    public void onReplace(final int symbolId, final long fromMsc, final long toMsc, final long journalIndex) {
        ensureSymbol(symbolId);
        if (journalIndex < replayFrom[symbolId]) {
            return; // replay: already in the store
        }
        lastJournalIndex = journalIndex;
        checkpointDue = true;
        touch(symbolId);
        // The longer bars hold every tick before this record, to be flagged with them.
        foldBaseBars();
        final MutableDirectBuffer bars = book.buffer();
        for (int slot = book.firstOfSymbol(symbolId); slot >= 0; slot = book.nextOfSymbol(slot)) {
            final int o = BarBook.offset(slot);
            final long openTime = bars.getLong(o + OPEN_TIME_OFFSET);
            final Timeframe tf = Timeframe.of(bars.getInt(o + TIMEFRAME_OFFSET));
            if (openTime <= toMsc && openTime + tf.durationMsc() > fromMsc) {
                book.markRebuild(slot);
            }
        }
        for (final Timeframe tf : timeframes) {
            requestRebuild(
                    symbolId,
                    tf.ordinal(),
                    tf.openTime(fromMsc, sessionOffsetMsc),
                    tf.openTime(toMsc, sessionOffsetMsc));
        }
    }

    /** A symbol's bars are final once its newest tick, or the market clock, is past their end plus the window. */
    private long effectiveMark(final int symbolId) {
        return Math.max(watermark[symbolId], marketClock());
    }

    /**
     * The market's clock: the newest tick of any symbol, moved on by the wall-clock time since it came (so a weekend
     * with no tick at all still closes the last bars), and never ahead of the wall clock (so one tick from the future
     * cannot make every bar final).
     */
    private long marketClock() {
        if (globalMark == NONE) {
            return NONE;
        }
        return Math.min(wallMsc, globalMark + Math.max(0, wallMsc - globalMarkWallMsc));
    }

    /** Adds a range of bars to rebuild to this batch's requests, merged per symbol and timeframe. */
    private void requestRebuild(final int symbolId, final int timeframe, final long fromMsc, final long toMsc) {
        rebuilds.add(symbolId, timeframe, fromMsc, toMsc, 0);
        checkpointDue = true;
    }

    /**
     * Hands everything changed to the writer: final bars (then frees them), changed bars, symbol states, source
     * seqs, and last the checkpoint. Stops at the first message the writer's ring has no room for, keeping the
     * rest for the next call.
     *
     * @return true when all was handed over.
     */
    public boolean handOver() {
        foldBaseBars();
        wallMsc = System.currentTimeMillis();
        sweepSilentSymbols();
        final boolean done = handOverGivenBars()
                && handOverFinalBars()
                && handOverDirtyBars()
                && handOverRebuilds()
                && handOverCheckpoint();
        handOverPending = !done;
        lastAttemptNs = System.nanoTime();
        if (done) {
            lastHandOverNs = lastAttemptNs;
            if (changesHeld) {
                changesHeld = false;
            }
        }
        return done;
    }

    private boolean handOverGivenBars() {
        for (; givenBarsHandedOver < givenBarCount; givenBarsHandedOver++) {
            final int index = toWriter.tryClaim(MSG_CANDLE, STORE_LENGTH);
            if (index < 0) {
                return false;
            }
            toWriter.buffer().putBytes(index, givenBars, givenBarsHandedOver * STORE_LENGTH, STORE_LENGTH);
            toWriter.commit(index);
            metrics.candlesEmitted.incrementRelease();
        }
        givenBarCount = 0;
        givenBarsHandedOver = 0;
        return true;
    }

    /** Only the touched symbols' bars: a bar becomes final when its symbol or the market clock moves. */
    private boolean handOverFinalBars() {
        final MutableDirectBuffer bars = book.buffer();
        for (int i = 0, n = touchedSymbols.size(); i < n; i++) {
            final int symbolId = touchedSymbols.getInt(i);
            final long mark = effectiveMark(symbolId);
            if (mark == NONE || earliestCloseMsc[symbolId] > mark - lateWindowMsc) {
                // No bar of the symbol is final (the same test as isFinal on its earliest bar): no walk.
                continue;
            }
            long earliestClose = Long.MAX_VALUE;
            int slot = book.firstOfSymbol(symbolId);
            while (slot >= 0) {
                final int next = book.nextOfSymbol(slot);
                final int o = BarBook.offset(slot);
                final long openTime = bars.getLong(o + OPEN_TIME_OFFSET);
                final Timeframe tf = Timeframe.of(bars.getInt(o + TIMEFRAME_OFFSET));
                if (!isFinal(openTime, tf, mark)) {
                    earliestClose = Math.min(earliestClose, openTime + tf.durationMsc());
                } else {
                    if (book.isRebuild(slot)) {
                        requestRebuild(slot);
                    } else if (book.isDirty(slot) && !isCompleteInStore(slot)) {
                        if (!offerBar(slot)) {
                            // earliestCloseMsc stays as it was: still no later than what is left.
                            return false;
                        }
                    }
                    book.clearDirty(slot);
                    book.remove(slot);
                    replayStale[symbolId] = true;
                }
                slot = next;
            }
            earliestCloseMsc[symbolId] = earliestClose;
        }
        return true;
    }

    private boolean handOverDirtyBars() {
        final int count = book.dirtyCount();
        for (int i = 0; i < count; i++) {
            final int slot = book.dirty(i);
            // A flagged bar is rebuilt when it closes, not rewritten from its wrong content on every change.
            if (book.isDirty(slot) && !book.isRebuild(slot) && !isCompleteInStore(slot)) {
                if (!offerBar(slot)) {
                    book.consumeDirty(i);
                    return false;
                }
            }
            book.clearDirty(slot);
        }
        book.consumeDirty(count);
        return true;
    }

    private boolean handOverRebuilds() {
        final MutableDirectBuffer out = toWriter.buffer();
        for (; rebuildsHandedOver < rebuilds.size(); rebuildsHandedOver++) {
            final int i = rebuildsHandedOver;
            if (rebuilds.toMsc(i) < emitFromMsc || rebuilds.fromMsc(i) > emitToMsc) {
                continue;
            }
            final int index = toWriter.tryClaim(MSG_REBUILD, REBUILD_LENGTH);
            if (index < 0) {
                return false;
            }
            out.putInt(index + REBUILD_SYMBOL_ID_OFFSET, rebuilds.symbolId(i));
            out.putInt(index + REBUILD_TIMEFRAME_OFFSET, rebuilds.timeframe(i));
            out.putLong(index + REBUILD_FROM_OFFSET, rebuilds.fromMsc(i));
            out.putLong(index + REBUILD_TO_OFFSET, rebuilds.toMsc(i));
            out.putLong(index + REBUILD_INDEX_OFFSET, lastJournalIndex);
            toWriter.commit(index);
            metrics.rebuildRequests.incrementRelease();
        }
        rebuilds.clear();
        rebuildsHandedOver = 0;
        return true;
    }

    /** Requests the rebuild of a flagged slot's bar. */
    private void requestRebuild(final int slot) {
        final MutableDirectBuffer bars = book.buffer();
        final int o = BarBook.offset(slot);
        final long openTime = bars.getLong(o + OPEN_TIME_OFFSET);
        requestRebuild(bars.getInt(o + SYMBOL_ID_OFFSET), bars.getInt(o + TIMEFRAME_OFFSET), openTime, openTime);
    }

    /**
     * Once the market clock has moved on by a bar of the smallest timeframe, touches every symbol that holds a bar
     * final by that clock, so that {@link #handOverFinalBars} closes it: a symbol that stops ticking neither keeps
     * its last bar open nor pins the journal.
     */
    private void sweepSilentSymbols() {
        final long clock = marketClock();
        if (clock == NONE || (sweptAtMsc != NONE && clock - sweptAtMsc < base.durationMsc())) {
            return;
        }
        sweptAtMsc = clock;
        final long finalBeforeMsc = clock - lateWindowMsc;
        for (int symbolId = 0; symbolId < symbolCapacity; symbolId++) {
            // The same test as isFinal on the symbol's earliest bar.
            if (!touched[symbolId] && earliestCloseMsc[symbolId] <= finalBeforeMsc) {
                touch(symbolId);
                checkpointDue = true;
            }
        }
    }

    private boolean handOverCheckpoint() {
        if (!checkpointDue) {
            return true;
        }
        computeReplayPoints();
        final MutableDirectBuffer out = toWriter.buffer();
        for (int i = 0, n = touchedSymbols.size(); i < n; i++) {
            final int symbolId = touchedSymbols.getInt(i);
            final int index = toWriter.tryClaim(MSG_SYMBOL_STATE, STATE_LENGTH);
            if (index < 0) {
                return false;
            }
            out.putInt(index + STATE_SYMBOL_ID_OFFSET, symbolId);
            out.putInt(index + STATE_SYMBOL_ID_OFFSET + 4, 0);
            final boolean open = replayFrom0[symbolId] != NO_OPEN_BAR;
            out.putLong(index + STATE_REPLAY_FROM_OFFSET, replayFrom0[symbolId]);
            out.putLong(index + STATE_REPLAY_WATERMARK_OFFSET, open ? replayWatermark0[symbolId] : watermark[symbolId]);
            out.putLong(index + STATE_WATERMARK_OFFSET, effectiveMark(symbolId));
            toWriter.commit(index);
        }
        // Resumed where the writer's ring was full: the windows are large, and starting over each time could never
        // fit more of them than the ring holds at once. A source changed after it was sent is listed again.
        for (; sourcesHandedOver < dirtySources.size(); sourcesHandedOver++) {
            final int sourceId = dirtySources.getInt(sourcesHandedOver);
            final int index = toWriter.tryClaim(MSG_SOURCE_SEQ, SOURCE_WINDOW_OFFSET + sourceSequences.windowBytes());
            if (index < 0) {
                return false;
            }
            out.putInt(index + SOURCE_ID_OFFSET, sourceId);
            out.putInt(index + SOURCE_ID_OFFSET + 4, 0);
            out.putLong(index + SOURCE_SEQ_OFFSET, sourceSequences.highWaterMark(sourceId));
            sourceSequences.copyWindow(sourceId, out, index + SOURCE_WINDOW_OFFSET);
            toWriter.commit(index);
            sourceSent[sourceId] = true;
        }
        final int index = toWriter.tryClaim(MSG_CHECKPOINT, CHECKPOINT_LENGTH);
        if (index < 0) {
            return false;
        }
        out.putLong(index + CHECKPOINT_INDEX_OFFSET, lastJournalIndex);
        out.putLong(index + CHECKPOINT_PUBLISH_NS_OFFSET, oldestPublishNs);
        toWriter.commit(index);
        oldestPublishNs = NONE;

        for (int i = 0, n = touchedSymbols.size(); i < n; i++) {
            touched[touchedSymbols.getInt(i)] = false;
        }
        touchedSymbols.clear();
        for (int i = 0, n = dirtySources.size(); i < n; i++) {
            sourceDirty[dirtySources.getInt(i)] = false;
            sourceSent[dirtySources.getInt(i)] = false;
        }
        dirtySources.clear();
        sourcesHandedOver = 0;
        checkpointDue = false;
        return true;
    }

    /**
     * Replay-from point of each touched symbol: its oldest open bar's first tick, or {@link #NO_OPEN_BAR} when it
     * has none (a restart then needs nothing of it before the checkpoint, however long it stays silent).
     */
    private void computeReplayPoints() {
        final MutableDirectBuffer bars = book.buffer();
        for (int i = 0, n = touchedSymbols.size(); i < n; i++) {
            final int symbolId = touchedSymbols.getInt(i);
            if (!replayStale[symbolId]) {
                continue;
            }
            replayStale[symbolId] = false;
            replayFrom0[symbolId] = NO_OPEN_BAR;
            for (int slot = book.firstOfSymbol(symbolId); slot >= 0; slot = book.nextOfSymbol(slot)) {
                final int o = BarBook.offset(slot);
                final long first = bars.getLong(o + FIRST_JOURNAL_INDEX_OFFSET);
                if (first < replayFrom0[symbolId]) {
                    replayFrom0[symbolId] = first;
                    replayWatermark0[symbolId] = bars.getLong(o + WATERMARK_AT_FIRST_OFFSET);
                }
            }
        }
    }

    private boolean offerBar(final int slot) {
        final long openTime = book.buffer().getLong(BarBook.offset(slot) + OPEN_TIME_OFFSET);
        if (openTime < emitFromMsc || openTime > emitToMsc) {
            return true;
        }
        final int index = toWriter.tryClaim(MSG_CANDLE, STORE_LENGTH);
        if (index < 0) {
            return false;
        }
        toWriter.buffer().putBytes(index, book.buffer(), BarBook.offset(slot), STORE_LENGTH);
        toWriter.commit(index);
        metrics.candlesEmitted.incrementRelease();
        return true;
    }

    /** A bar final at the restored checkpoint is complete in the store; a replay may only have rebuilt part of it. */
    private boolean isCompleteInStore(final int slot) {
        final long mark = finalAt[book.buffer().getInt(BarBook.offset(slot) + SYMBOL_ID_OFFSET)];
        return mark != NONE && isFinal(slot, mark);
    }

    private boolean isFinal(final int slot, final long mark) {
        final MutableDirectBuffer bars = book.buffer();
        final int o = BarBook.offset(slot);
        return isFinal(bars.getLong(o + OPEN_TIME_OFFSET), Timeframe.of(bars.getInt(o + TIMEFRAME_OFFSET)), mark);
    }

    private boolean isFinal(final long openTimeMsc, final Timeframe tf, final long mark) {
        return mark != NONE && openTimeMsc + tf.durationMsc() <= mark - lateWindowMsc;
    }

    private void touch(final int symbolId) {
        if (!touched[symbolId]) {
            touched[symbolId] = true;
            touchedSymbols.addInt(symbolId);
        }
    }

    private void markSourceDirty(final int sourceId) {
        if (sourceId >= sourceDirty.length) {
            sourceDirty = Arrays.copyOf(sourceDirty, Math.max(sourceId + 1, sourceDirty.length * 2));
            sourceSent = Arrays.copyOf(sourceSent, sourceDirty.length);
        }
        if (sourceSent[sourceId]) {
            sourceSent[sourceId] = false;
            dirtySources.addInt(sourceId);
        } else if (!sourceDirty[sourceId]) {
            sourceDirty[sourceId] = true;
            dirtySources.addInt(sourceId);
        }
    }

    private void ensureSymbol(final int symbolId) {
        if (symbolId >= symbolCapacity) {
            allocateSymbols(Math.max(symbolId + 1, symbolCapacity * 2));
        }
        if (!symbolKnown[symbolId]) {
            symbolKnown[symbolId] = true;
            usesLast[symbolId] = lastPriceSymbols.contains(symbols.name(symbolId));
        }
    }

    private void allocateSymbols(final int capacity) {
        final int old = symbolCapacity;
        symbolKnown = symbolKnown == null ? new boolean[capacity] : Arrays.copyOf(symbolKnown, capacity);
        usesLast = usesLast == null ? new boolean[capacity] : Arrays.copyOf(usesLast, capacity);
        touched = touched == null ? new boolean[capacity] : Arrays.copyOf(touched, capacity);
        watermark = watermark == null ? new long[capacity] : Arrays.copyOf(watermark, capacity);
        replayFrom = replayFrom == null ? new long[capacity] : Arrays.copyOf(replayFrom, capacity);
        finalAt = finalAt == null ? new long[capacity] : Arrays.copyOf(finalAt, capacity);
        earliestCloseMsc = earliestCloseMsc == null ? new long[capacity] : Arrays.copyOf(earliestCloseMsc, capacity);
        replayFrom0 = replayFrom0 == null ? new long[capacity] : Arrays.copyOf(replayFrom0, capacity);
        replayWatermark0 = replayWatermark0 == null ? new long[capacity] : Arrays.copyOf(replayWatermark0, capacity);
        replayStale = replayStale == null ? new boolean[capacity] : Arrays.copyOf(replayStale, capacity);
        Arrays.fill(replayFrom0, old, capacity, NO_OPEN_BAR);
        Arrays.fill(watermark, old, capacity, NONE);
        Arrays.fill(replayFrom, old, capacity, NONE);
        Arrays.fill(finalAt, old, capacity, NONE);
        Arrays.fill(earliestCloseMsc, old, capacity, Long.MAX_VALUE);
        symbolCapacity = capacity;
    }
}
