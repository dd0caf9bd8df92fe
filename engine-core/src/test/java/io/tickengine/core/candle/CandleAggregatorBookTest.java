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
        final Rig rig = new Rig(symbols, MINUTE);
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

    private static void assertBarsMatch(final long lateWindowMsc, final long maxAgeMsc, final boolean overflow) {
        final int symbols = 50;
        final Rig rig = new Rig(symbols, lateWindowMsc);
        final Map<Long, Bar> expected = new HashMap<>();
        final SplittableRandom random = new SplittableRandom(11);
        long newestMsc = BASE_MSC;
        int maxOverflow = 0;
        for (int i = 0; i < 300_000; i++) {
            newestMsc += random.nextInt(40);
            final long timeMsc = random.nextInt(20) == 0 ? newestMsc - random.nextLong(maxAgeMsc) : newestMsc;
            final int symbolId = random.nextInt(symbols);
            // Binary fractions: every sum and difference is exact.
            final double bid = 1 + random.nextInt(1024) / 1024.0;
            final double ask = random.nextInt(8) == 0 ? 0 : bid + random.nextInt(64) / 1024.0;
            final double volumeReal = random.nextInt(16) / 4.0;
            rig.aggregator.onReplayedTick(symbolId, timeMsc, bid, ask, 0, volumeReal, -1, 0, i);
            for (final Timeframe tf : TIMEFRAMES) {
                final long openTimeMsc = tf.openTime(timeMsc, 0);
                expected.computeIfAbsent(key(symbolId, tf.ordinal(), openTimeMsc), k -> new Bar())
                        .add(timeMsc, i, bid, ask, volumeReal);
            }
            if (i % 1_000 == 999) {
                rig.handOver();
                maxOverflow = Math.max(maxOverflow, rig.aggregator.overflowBars());
            }
        }
        rig.handOver();
        assertEquals(overflow, maxOverflow > 0, "bars in overflow slots: " + maxOverflow);
        assertEquals(expected.size(), rig.written.size(), "bars written");
        for (final Map.Entry<Long, Bar> e : expected.entrySet()) {
            final Bar want = e.getValue();
            final UnsafeBuffer got = rig.written.get(e.getKey());
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

    /** An aggregator whose writer's ring is read into the newest version of each bar after every hand-over. */
    private static final class Rig {
        final OneToOneRingBuffer toWriter = new OneToOneRingBuffer(
                new UnsafeBuffer(ByteBuffer.allocateDirect(4 * 1024 * 1024 + RingBufferDescriptor.TRAILER_LENGTH)));
        final CandleAggregator aggregator;
        final Map<Long, UnsafeBuffer> written = new HashMap<>();

        Rig(final int symbols, final long lateWindowMsc) {
            final NameTable names = new NameTable(65_536);
            for (int i = 0; i < symbols; i++) {
                names.intern("S" + i);
            }
            aggregator = new CandleAggregator(
                    names, TIMEFRAMES, lateWindowMsc, 0, Set.of(), toWriter, 1024, new EngineMetrics());
        }

        void handOver() {
            assertTrue(aggregator.handOver(), "the writer's ring had room");
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
                        }
                    },
                    Integer.MAX_VALUE);
        }
    }
}
