package io.tickengine.core.candle;

import static io.tickengine.core.candle.CandleDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.tick.NameTable;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;

/**
 * The aggregator alone over many symbols, its bars read from the writer's ring: how its book holds the open bars
 * (no overflow slot in a steady forward stream), and every bar equal to one worked out from all its ticks when ticks
 * come out of order within the late window (bars moving between places, and overflow slots).
 */
class CandleAggregatorBookTest {
    private static final Timeframe[] TIMEFRAMES = {
        Timeframe.M1, Timeframe.M5, Timeframe.M15, Timeframe.M30, Timeframe.H1, Timeframe.H4, Timeframe.D1, Timeframe.W1
    };
    /** 2001-09-09, a Sunday; far behind the wall clock, so the market clock is the ticks' own. */
    private static final long BASE_MSC = 1_000_000_000_000L / 86_400_000L * 86_400_000L;

    private static final long MINUTE = 60_000L;

    @Test
    void shouldOpenNoOverflowBarInASteadyForwardStreamOverManySymbols() {
        final int symbols = 5_000;
        final Rig rig = new Rig(TIMEFRAMES, MINUTE, 4 * 1024 * 1024);
        final SplittableRandom random = new SplittableRandom(1);
        long timeMsc = BASE_MSC;
        long stepUs = 0;
        for (int i = 0; i < 2_000_000; i++) {
            rig.aggregator.onReplayedTick(random.nextInt(symbols), timeMsc, 1.5, 1.75, 0, 0, -1, 0, i);
            // Each symbol ticks about every three seconds of market time: 20 minutes over the run.
            stepUs += random.nextInt(1_200);
            timeMsc += stepUs / 1_000;
            stepUs %= 1_000;
            if (i % 1_000 == 999) {
                rig.handOver();
                assertEquals(0, rig.aggregator.overflowBars(), "overflow bars after tick " + i);
            }
        }
        assertTrue(timeMsc - BASE_MSC > 15 * MINUTE, "many M1 bars closed");
    }

    @Test
    void shouldBuildEveryBarFromAllItsTicksWhenTicksComeOutOfOrderWithinTheLateWindow() {
        // Ticks up to 45 s older than the newest: never late with a one-minute window, and they fall in the bar
        // before the current one, which sits in another place of the symbol's block.
        assertBarsMatch(MINUTE, 45_000, false);
    }

    @Test
    void shouldBuildEveryBarFromAllItsTicksWhenALongLateWindowKeepsBarsInOverflowSlots() {
        // A five-minute window keeps up to seven M1 bars of a symbol open: four of them in overflow slots.
        assertBarsMatch(5 * MINUTE, 4 * MINUTE, true);
    }

    @Test
    void shouldBuildEveryBarFromAllItsTicksWhenTheWritersRingTakesEachHandOverInParts() {
        // 500 symbols' bars do not fit 64 KiB: each hand-over goes in parts, taken up again while ticks come in,
        // so base bars are folded into the longer ones again between the parts.
        final Ticks ticks = new Ticks(500, 200_000, 45_000, 5);
        final Rig rig = new Rig(TIMEFRAMES, MINUTE, 64 * 1024);
        int partial = 0;
        for (int i = 0; i < ticks.count; i++) {
            ticks.replay(rig.aggregator, i);
            if (i % 1_000 == 999 && !rig.tryHandOver()) {
                partial++;
            }
        }
        rig.handOver();
        assertTrue(partial > 100, "hand-overs left in part: " + partial);
        assertWritten(ticks.expected(ticks.count, TIMEFRAMES), rig.written);
    }

    @Test
    void shouldRebuildEveryBarWhenARestartReplaysFromTheCheckpointOfFoldedBars() {
        // The longer bars are folded from base bars, so the replay-from point of each symbol (the first tick of its
        // oldest open bar) comes from the base bars folded into them. Up to H1: the run is about 97 minutes of market
        // time, and at the crash, about minute 78, the oldest open bar is the H1 bar of minute 60.
        final Timeframe[] timeframes = {Timeframe.M1, Timeframe.M5, Timeframe.M15, Timeframe.H1};
        final Ticks ticks = new Ticks(50, 300_000, 45_000, 7);
        final Rig before = new Rig(timeframes, MINUTE, 4 * 1024 * 1024);
        final int crashAt = 240_500;
        for (int i = 0; i < crashAt; i++) {
            ticks.replay(before.aggregator, i);
            if (i % 1_000 == 999) {
                before.handOver();
            }
        }
        // Ticks 240,000 to 240,499 were applied but not handed over: lost with the crash, as in the engine.
        final Rig after = new Rig(timeframes, MINUTE, 4 * 1024 * 1024);
        after.written.putAll(before.written);
        long fromIndex = Long.MAX_VALUE;
        for (final Map.Entry<Integer, long[]> e : before.states.entrySet()) {
            final long[] state = e.getValue();
            final long replayFrom = state[0] == CandleAggregator.NO_OPEN_BAR ? before.checkpoint + 1 : state[0];
            after.aggregator.restoreSymbol(e.getKey(), replayFrom, state[1], state[2]);
            fromIndex = Math.min(fromIndex, replayFrom);
        }
        assertEquals(239_999, before.checkpoint, "the checkpoint of the last hand-over");
        assertTrue(fromIndex > 150_000 && fromIndex < 239_999, "replay from the H1 bar's first tick: " + fromIndex);
        for (int i = (int) fromIndex; i < ticks.count; i++) {
            ticks.replay(after.aggregator, i);
            if (i % 1_000 == 999) {
                after.handOver();
            }
        }
        after.aggregator.onReplayEnd();
        after.handOver();
        assertWritten(ticks.expected(ticks.count, timeframes), after.written);
    }

    private static void assertBarsMatch(final long lateWindowMsc, final long maxAgeMsc, final boolean overflow) {
        final Ticks ticks = new Ticks(50, 300_000, maxAgeMsc, 11);
        final Rig rig = new Rig(TIMEFRAMES, lateWindowMsc, 4 * 1024 * 1024);
        int maxOverflow = 0;
        for (int i = 0; i < ticks.count; i++) {
            ticks.replay(rig.aggregator, i);
            if (i % 1_000 == 999) {
                rig.handOver();
                maxOverflow = Math.max(maxOverflow, rig.aggregator.overflowBars());
            }
        }
        rig.handOver();
        assertEquals(overflow, maxOverflow > 0, "bars in overflow slots: " + maxOverflow);
        assertWritten(ticks.expected(ticks.count, TIMEFRAMES), rig.written);
    }

    private static void assertWritten(final Map<Long, Bar> expected, final Map<Long, UnsafeBuffer> written) {
        assertEquals(expected.size(), written.size(), "bars written");
        for (final Map.Entry<Long, Bar> e : expected.entrySet()) {
            final Bar want = e.getValue();
            final UnsafeBuffer got = written.get(e.getKey());
            final String bar = "bar " + e.getKey();
            assertEquals(want.open, got.getDouble(OPEN_OFFSET), bar);
            assertEquals(want.high, got.getDouble(HIGH_OFFSET), bar);
            assertEquals(want.low, got.getDouble(LOW_OFFSET), bar);
            assertEquals(want.close, got.getDouble(CLOSE_OFFSET), bar);
            assertEquals(want.ticks, got.getLong(TICK_VOLUME_OFFSET), bar);
            assertEquals(want.realVolume, got.getDouble(REAL_VOLUME_OFFSET), bar);
            assertEquals(want.spread, got.getDouble(SPREAD_OFFSET), bar);
        }
    }

    /**
     * Ticks over some symbols, market time moving forward, one in 20 up to {@code maxAgeMsc} older than the newest
     * (never late with a longer window); prices and volumes binary fractions, so every sum and difference is exact.
     */
    private static final class Ticks {
        final int count;
        final int[] symbolId;
        final long[] timeMsc;
        final double[] bid;
        final double[] ask;
        final double[] volumeReal;

        Ticks(final int symbols, final int count, final long maxAgeMsc, final long seed) {
            this.count = count;
            symbolId = new int[count];
            timeMsc = new long[count];
            bid = new double[count];
            ask = new double[count];
            volumeReal = new double[count];
            final SplittableRandom random = new SplittableRandom(seed);
            long newestMsc = BASE_MSC;
            for (int i = 0; i < count; i++) {
                newestMsc += random.nextInt(40);
                timeMsc[i] = random.nextInt(20) == 0 ? newestMsc - random.nextLong(maxAgeMsc) : newestMsc;
                symbolId[i] = random.nextInt(symbols);
                bid[i] = 1 + random.nextInt(1024) / 1024.0;
                ask[i] = random.nextInt(8) == 0 ? 0 : bid[i] + random.nextInt(64) / 1024.0;
                volumeReal[i] = random.nextInt(16) / 4.0;
            }
        }

        /** Gives tick {@code i} to the aggregator, with {@code i} as its journal index. */
        void replay(final CandleAggregator aggregator, final int i) {
            aggregator.onReplayedTick(symbolId[i], timeMsc[i], bid[i], ask[i], 0, volumeReal[i], -1, 0, i);
        }

        /** @return every bar of these timeframes worked out from the first {@code n} ticks, by key. */
        Map<Long, Bar> expected(final int n, final Timeframe... timeframes) {
            final Map<Long, Bar> expected = new HashMap<>();
            for (int i = 0; i < n; i++) {
                for (final Timeframe tf : timeframes) {
                    final long openTimeMsc = tf.openTime(timeMsc[i], 0);
                    expected.computeIfAbsent(key(symbolId[i], tf.ordinal(), openTimeMsc), k -> new Bar())
                            .add(timeMsc[i], i, bid[i], ask[i], volumeReal[i]);
                }
            }
            return expected;
        }
    }

    /** A bar worked out from its ticks, in any order. */
    private static final class Bar {
        double open;
        double high = Double.NEGATIVE_INFINITY;
        double low = Double.POSITIVE_INFINITY;
        double close;
        long firstTimeMsc = Long.MAX_VALUE;
        long lastTimeMsc = Long.MIN_VALUE;
        long ticks;
        double realVolume;
        double spread = Double.NaN;

        /** {@code order} rises with every tick: a later tick of the same millisecond is later. */
        void add(final long timeMsc, final long order, final double bid, final double ask, final double volumeReal) {
            if (timeMsc < firstTimeMsc) {
                firstTimeMsc = timeMsc;
                open = bid;
            }
            if (timeMsc >= lastTimeMsc) {
                lastTimeMsc = timeMsc;
                close = bid;
            }
            high = Math.max(high, bid);
            low = Math.min(low, bid);
            ticks++;
            realVolume += volumeReal;
            if (ask > 0 && (Double.isNaN(spread) || ask - bid < spread)) {
                spread = ask - bid;
            }
        }
    }

    /**
     * An aggregator whose writer's ring is read into the newest version of each bar (the store), each symbol's newest
     * state and the newest checkpoint after every hand-over.
     */
    private static final class Rig {
        final OneToOneRingBuffer toWriter;
        final CandleAggregator aggregator;
        final Map<Long, UnsafeBuffer> written = new HashMap<>();
        /** Per symbol id: replay from, replay watermark, watermark. */
        final Map<Integer, long[]> states = new HashMap<>();

        long checkpoint = CandleMessageDescriptor.NONE;

        Rig(final Timeframe[] timeframes, final long lateWindowMsc, final int ringBytes) {
            toWriter = new OneToOneRingBuffer(
                    new UnsafeBuffer(ByteBuffer.allocateDirect(ringBytes + RingBufferDescriptor.TRAILER_LENGTH)));
            final NameTable names = new NameTable(65_536);
            for (int i = 0; i < 5_000; i++) {
                names.intern("S" + i);
            }
            aggregator = new CandleAggregator(
                    names, timeframes, lateWindowMsc, 0, Set.of(), toWriter, 1024, new EngineMetrics());
        }

        void handOver() {
            while (!tryHandOver()) {
                // the ring was read: there is room now
            }
        }

        /** @return true if the hand-over went whole; the ring is read either way. */
        boolean tryHandOver() {
            final boolean done = aggregator.handOver();
            // A read stops where the ring wraps (one that reads only the padding there counts no message): read until
            // the ring is empty.
            while (toWriter.size() > 0) {
                toWriter.read(
                        (type, buffer, index, length) -> {
                            if (type == CandleMessageDescriptor.MSG_CANDLE) {
                                final UnsafeBuffer bar = new UnsafeBuffer(new byte[STORE_LENGTH]);
                                bar.putBytes(0, buffer, index, STORE_LENGTH);
                                written.put(
                                        key(
                                                bar.getInt(SYMBOL_ID_OFFSET),
                                                bar.getInt(TIMEFRAME_OFFSET),
                                                bar.getLong(OPEN_TIME_OFFSET)),
                                        bar);
                            } else if (type == CandleMessageDescriptor.MSG_SYMBOL_STATE) {
                                states.put(
                                        buffer.getInt(index + CandleMessageDescriptor.STATE_SYMBOL_ID_OFFSET),
                                        new long[] {
                                            buffer.getLong(index + CandleMessageDescriptor.STATE_REPLAY_FROM_OFFSET),
                                            buffer.getLong(
                                                    index + CandleMessageDescriptor.STATE_REPLAY_WATERMARK_OFFSET),
                                            buffer.getLong(index + CandleMessageDescriptor.STATE_WATERMARK_OFFSET)
                                        });
                            } else if (type == CandleMessageDescriptor.MSG_CHECKPOINT) {
                                checkpoint = buffer.getLong(index + CandleMessageDescriptor.CHECKPOINT_INDEX_OFFSET);
                            }
                        },
                        Integer.MAX_VALUE);
            }
            return done;
        }
    }
}
