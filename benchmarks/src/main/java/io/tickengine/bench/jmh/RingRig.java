package io.tickengine.bench.jmh;

import com.lmax.disruptor.ExceptionHandler;
import io.tickengine.core.candle.CandleAggregator;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.ingest.IngestGate;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.ring.TickEvent;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.ring.WaitStrategyType;
import io.tickengine.core.tick.NameTable;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The engine's tick pipeline as {@code TickEngine} assembles it (ingest gate with its journal, ring, candle
 * aggregator with the default timeframes, {@code journal.sync} off), with the store replaced by a thread that drains and discards the aggregator's messages: what
 * the suites measure ends at the aggregator.
 */
final class RingRig implements AutoCloseable {
    static final Timeframe[] TIMEFRAMES = {
        Timeframe.M1, Timeframe.M5, Timeframe.M15, Timeframe.M30, Timeframe.H1, Timeframe.H4, Timeframe.D1
    };
    private static final MessageHandler DISCARD = (type, buffer, index, length) -> {};

    final Path dir;
    final NameTable symbols = new NameTable(65_536);
    final NameTable sources = new NameTable(65_536);
    final EngineMetrics metrics = new EngineMetrics();
    final TickJournal journal;
    final OneToOneRingBuffer toWriter;
    /** The engine's default {@code dedup.window}. */
    static final int DEDUP_WINDOW = new io.tickengine.core.EngineContext().dedupWindow();

    final CandleAggregator aggregator;
    final TickRing ring;
    /** The gate requests are offered to; {@code null} without a ring. */
    final IngestGate gate;

    private final Thread drainer;
    private volatile boolean running = true;

    /** @param withRing false for an aggregator alone (no ring, no handler thread). */
    RingRig(final boolean withRing, final WaitStrategyType waitStrategy) {
        dir = BenchJvm.scratchDir("tick-bench-");
        journal = TickJournal.open(dir, "FAST_HOURLY");
        toWriter = new OneToOneRingBuffer(
                new UnsafeBuffer(ByteBuffer.allocateDirect(4 * 1024 * 1024 + RingBufferDescriptor.TRAILER_LENGTH)));
        aggregator = new CandleAggregator(symbols, TIMEFRAMES, 60_000, 0, Set.of(), toWriter, DEDUP_WINDOW, metrics);
        ring = withRing
                ? new TickRing(
                        65_536,
                        16_384,
                        waitStrategy,
                        r -> {
                            final Thread t = new Thread(r, "bench-handler");
                            t.setDaemon(true);
                            return t;
                        },
                        new Failing(),
                        java.util.List.of(aggregator),
                        false)
                : null;
        gate = ring != null
                ? new IngestGate(ring, journal, symbols, sources, false, DEDUP_WINDOW, metrics, null, RingRig::failed)
                : null;
        drainer = new Thread(this::drain, "bench-writer");
        drainer.setDaemon(true);
        drainer.start();
        if (ring != null) {
            ring.start();
        }
    }

    /** A handler error makes the numbers meaningless: print it and stop the fork. */
    private static final class Failing implements ExceptionHandler<TickEvent> {
        @Override
        public void handleEventException(final Throwable ex, final long sequence, final TickEvent event) {
            fail(ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex) {
            fail(ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex) {
            fail(ex);
        }

        private static void fail(final Throwable ex) {
            ex.printStackTrace();
            Runtime.getRuntime().halt(3);
        }
    }

    /** A failed append makes the numbers meaningless: print it and stop the fork. */
    private static void failed(final String stage, final Throwable cause) {
        cause.printStackTrace();
        Runtime.getRuntime().halt(3);
    }

    private void drain() {
        while (running) {
            if (toWriter.read(DISCARD, 4096) == 0) {
                LockSupport.parkNanos(100_000L);
            }
        }
    }

    /** Waits until the handlers have taken every published event. */
    void awaitDrained() {
        while (ring.remainingCapacity() < ring.size()) {
            LockSupport.parkNanos(100_000L);
        }
    }

    @Override
    public void close() {
        if (ring != null) {
            ring.close(10, TimeUnit.SECONDS);
        }
        running = false;
        try {
            drainer.join(5_000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        journal.close();
        BenchJvm.delete(dir);
    }
}
