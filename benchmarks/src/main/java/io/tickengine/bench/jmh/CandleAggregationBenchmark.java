package io.tickengine.bench.jmh;

import io.tickengine.bench.load.TickStream;
import io.tickengine.core.ring.WaitStrategyType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Candle aggregation alone, per tick: the real ticks applied to the 7 default timeframes in batches of 1,000, each
 * batch ending with the hand-over of changed bars, resume points and checkpoint to the writer's ring (drained by a
 * thread that discards them). Time moves forward from pass to pass, so no tick is late.
 *
 * <p>{@code -p ticks=generated:5000} runs it over the load generator's random walk of 5,000 symbols instead (every
 * tick then touches another symbol's bars), {@code generated:1} over one symbol.
 *
 * <p>{@code -p timeScale=100} runs market time 100 times faster (every gap between ticks, and the pass shift, times
 * 100): over 5,000 symbols a symbol then ticks about once a second of market time instead of every few
 * milliseconds, so its bars close and new ones open as in a live feed, where at 1 a whole run stays within one
 * minute and no bar ever closes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CandleAggregationBenchmark {
    /** {@code real} (the tick files, else 8 generated symbols) or {@code generated:SYMBOLS}. */
    @Param({"real"})
    public String ticks;

    /** How many times faster market time runs than in the stream: 1 keeps the stream's times. */
    @Param({"1"})
    public int timeScale;

    /**
     * Batches of 1,000 ticks per hand-over: 1 hands over after every batch; 24 is about the engine's 10 ms interval
     * at 2.4 M ticks/s, where a bar changed by several ticks goes to the writer once.
     */
    @Param({"1"})
    public int batchesPerHandOver;

    private RingRig rig;
    private int[] symbolId;
    private long[] timeMsc;
    private double[] bid;
    private double[] ask;
    private long passShiftMsc;
    private long position;
    private long batches;

    @Setup(Level.Trial)
    public void setUp() {
        rig = new RingRig(false, WaitStrategyType.SLEEPING);
        final TickStream stream = ticks.startsWith("generated:")
                ? TickStream.generated(200_000, Integer.parseInt(ticks.substring(10)), TickData.BASE_MSC, 42)
                : TickData.stream();
        final String[] names = stream.symbols();
        final int n = stream.size();
        symbolId = new int[n];
        timeMsc = new long[n];
        bid = new double[n];
        ask = new double[n];
        for (int i = 0; i < n; i++) {
            symbolId[i] = rig.symbols.intern(names[stream.symbol(i)]);
            timeMsc[i] = TickData.BASE_MSC + (stream.timeMsc(i) - TickData.BASE_MSC) * timeScale;
            bid[i] = stream.bid(i);
            ask[i] = stream.ask(i);
        }
        passShiftMsc = stream.passShiftMsc() * timeScale;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rig.close();
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public int aggregate1000() {
        final int n = symbolId.length;
        for (int k = 0; k < 1000; k++) {
            final long p = position++;
            final int i = (int) (p % n);
            final long time = timeMsc[i] + (p / n) * passShiftMsc;
            rig.aggregator.onReplayedTick(symbolId[i], time, bid[i], ask[i], 0, 0, -1, 0, p);
        }
        if (++batches % batchesPerHandOver == 0) {
            while (!rig.aggregator.handOver()) {
                Thread.onSpinWait();
            }
        }
        return rig.aggregator.openBars();
    }
}
