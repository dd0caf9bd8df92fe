package io.tickengine.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.Feeder;
import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The candle writer's batches stay within {@code writer.batch.size} bars while it rests between writes and the
 * aggregator hands over many more distinct bars per checkpoint, on the embedded SQLite store; no bar is lost.
 */
class WriterBatchBoundTest {
    private static final int BATCH_BARS = 40;
    private static final int SYMBOLS = 60;
    private static final int MINUTES = 20;
    private static final long START_MSC = 1_783_944_000_000L;

    @TempDir
    Path dataDir;

    @Test
    void shouldNeverCommitMoreBarsThanTheBatchSizeWhileRestingBetweenWrites() throws Exception {
        final List<TickFiles.Tick> ticks = new ArrayList<>();
        for (int minute = 0; minute < MINUTES; minute++) {
            for (int tick = 0; tick < 3; tick++) {
                for (int symbol = 0; symbol < SYMBOLS; symbol++) {
                    final double bid = 1.1 + symbol * 0.01 + minute * 0.001 + tick * 0.0001;
                    ticks.add(new TickFiles.Tick(
                            "SYM" + symbol,
                            START_MSC + minute * 60_000L + tick * 1_000L + symbol,
                            bid,
                            bid + 0.0002,
                            0,
                            0,
                            6));
                }
            }
        }
        final EngineContext context = new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("ring.size", "4096")
                .set("ring.max.batch", "1024")
                .set("writer.batch.size", Integer.toString(BATCH_BARS))
                .set("writer.flush.interval.ms", "5")
                // Rests 49 times as long as each write: bars pile up between writes.
                .set("writer.busy.duty", "0.02")
                .set("shutdown.timeout.ms", "30000");
        final TickEngine engine = TickEngine.start(context);
        try {
            final Feeder feeder = new Feeder(engine);
            // Batches of a whole minute over every symbol: each checkpoint hands over hundreds of distinct bars.
            feeder.feed(ticks, 0, ticks.size(), SYMBOLS * 3, null, 0);
            assertEquals(ticks.size(), feeder.accepted.get());
        } finally {
            // The writer drains everything at close, under the same bound.
            engine.close();
        }
        final Histogram batches = engine.metrics().storeBatchSize.getIntervalHistogram();

        assertTrue(batches.getTotalCount() > 0, "batches were written");
        assertTrue(
                batches.getMaxValue() <= BATCH_BARS,
                "no batch over writer.batch.size [max=" + batches.getMaxValue() + ", batches=" + batches.getTotalCount()
                        + "]");
        assertTrue(
                batches.getTotalCount() >= (long) SYMBOLS * MINUTES / BATCH_BARS,
                "the M1 bars alone take this many batches [batches=" + batches.getTotalCount() + "]");
        try (CandleStore store = Stores.openStore(context)) {
            for (final List<TickFiles.Tick> ofSymbol : ticks.stream()
                    .collect(Collectors.groupingBy(TickFiles.Tick::symbol))
                    .values()) {
                Candles.assertM1OfTicks(store, ofSymbol);
            }
        }
    }
}
