package io.tickengine.bench.jmh;

import io.tickengine.bench.load.TickStream;
import io.tickengine.core.candle.CandleAggregator;
import io.tickengine.core.recovery.JournalReplay;
import io.tickengine.core.ring.BenchTickEvents;
import io.tickengine.core.ring.TickEvent;
import io.tickengine.core.ring.WaitStrategyType;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Journal replay at start-up, per tick: read a 2,000,000-tick journal from the start and rebuild every bar, as
 * {@code TickEngine} does on restart ({@link JournalReplay#replay}: intern names, {@code onReplayedTick}, hand bars
 * over every 4,096 ticks), with
 * the store replaced by a thread that discards the bars. Target: at least 2 million ticks per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ReplayBenchmark {
    static final int TICKS = 2_000_000;

    private RingRig rig;

    @Setup(Level.Trial)
    public void setUp() {
        rig = new RingRig(false, WaitStrategyType.SLEEPING);
        final TickStream stream = TickData.stream();
        final String[] names = stream.symbols();
        final int[] ids = new int[names.length];
        for (int s = 0; s < names.length; s++) {
            ids[s] = rig.symbols.intern(names[s]);
        }
        final TickEvent event = new TickEvent();
        final int n = stream.size();
        for (int t = 0; t < TICKS; t++) {
            final int i = t % n;
            BenchTickEvents.tick(
                    event,
                    ids[stream.symbol(i)],
                    stream.timeMsc(i) + (long) (t / n) * stream.passShiftMsc(),
                    stream.bid(i),
                    stream.ask(i),
                    0,
                    0,
                    0,
                    6,
                    -1,
                    0);
            rig.journal.append(event, rig.symbols, rig.sources);
            rig.journal.commitDocument();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rig.close();
    }

    @Benchmark
    @OperationsPerInvocation(TICKS)
    public long replay() {
        final CandleAggregator aggregator = new CandleAggregator(
                rig.symbols, RingRig.TIMEFRAMES, 60_000, 0, Set.of(), rig.toWriter, RingRig.DEDUP_WINDOW, rig.metrics);
        // The engine's own replay loop, as at start-up (no ring yet: no ingest gate to tell the seqs).
        final long count = JournalReplay.replay(
                rig.journal,
                Long.MIN_VALUE,
                aggregator,
                rig.symbols,
                rig.sources,
                null,
                4096,
                () -> null,
                replayed -> {});
        if (count != TICKS) {
            throw new IllegalStateException("replayed " + count + " of " + TICKS);
        }
        return count;
    }
}
