package io.tickengine.bench.jmh;

import io.tickengine.bench.load.BodyFormat;
import io.tickengine.bench.load.RequestSet;
import io.tickengine.bench.load.TickStream;
import io.tickengine.core.ring.IngestAck;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.ring.WaitStrategyType;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.codec.TickParser;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
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
 * The hot path end to end, per tick: parse a JSON body (as an event loop does) → ingest gate (dedup, Chronicle
 * append, publish, ack on the same thread) → candle aggregator (7 timeframes, off-heap bars, on the ring's thread). The benchmark thread plays the
 * event loop; a full ring makes it spin and retry, so the score is the pipeline's sustained rate. Run with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes allocated per tick by every thread of the fork (JMH
 * sums all threads), the target is at most 1.
 *
 * <p>Each body's {@code time_msc} digits are rewritten in place before it is parsed again, one cycle later, so time
 * moves forward and every tick is aggregated (none is late).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class HotPathBenchmark {
    @Param({"SLEEPING"})
    public String waitStrategy;

    private RingRig rig;
    private RequestSet singles;
    private RequestSet batches;
    private TickParser parser;
    private final TickBuffer ticks = new TickBuffer(1024);
    private final UnsafeBuffer body = new UnsafeBuffer(new byte[0]);
    private final CountingAck ack = new CountingAck();
    private long nowMsc;
    private long nextSingle;
    private long nextBatch;
    private int usableBatches;

    /** Counts acknowledgements; allocation-free, like a pooled per-request answer. */
    static final class CountingAck implements IngestAck {
        volatile long journaled;

        @Override
        public void onJournaled(final int accepted, final int duplicates) {
            journaled += accepted;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        rig = new RingRig(true, WaitStrategyType.valueOf(waitStrategy));
        final TickStream stream = TickData.stream();
        singles = RequestSet.encode(stream, 2, 1, BodyFormat.JSON, "", null, "");
        batches = RequestSet.encode(stream, Math.max(1, 40_000 / stream.size()), 1000, BodyFormat.JSON, "", null, "");
        // Every invocation is 1,000 ticks: a shorter last body is never sent.
        usableBatches = batches.ticks(batches.count - 1) == 1000 ? batches.count : batches.count - 1;
        parser = new TickParser(rig.symbols, rig.sources, 16_384);
        nowMsc = System.currentTimeMillis();
    }

    @TearDown(Level.Iteration)
    public void drain() {
        rig.awaitDrained();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rig.close();
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public long parsePublishJournalAggregate() {
        return publish(batches, usableBatches, nextBatch++);
    }

    @Benchmark
    public long parsePublishJournalAggregateSingle() {
        return publish(singles, singles.count, nextSingle++);
    }

    private long publish(final RequestSet set, final int count, final long sequence) {
        final int r = (int) (sequence % count);
        set.prepare(r, (int) (sequence / count));
        final int offset = set.offset[r];
        final int length = set.offset[r + 1] - offset;
        body.wrap(set.data, offset, length);
        final int parsed = parser.parse(body, 0, length, TickParser.Format.JSON, ticks, nowMsc);
        if (parsed < 0) {
            throw new IllegalStateException("parse failed [code=" + parsed + ", error=" + parser.errorMessage() + "]");
        }
        long result;
        while ((result = rig.gate.tryPublish(ticks, ack)) == TickRing.BACK_PRESSURED) {
            Thread.onSpinWait();
        }
        return result;
    }
}
