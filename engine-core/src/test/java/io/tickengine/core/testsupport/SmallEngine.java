package io.tickengine.core.testsupport;

import io.tickengine.core.EngineContext;
import java.nio.file.Path;

/** An engine sized for a test: a small ring and writer ring, quick flushes, on the embedded store in a temp dir. */
public final class SmallEngine {
    private SmallEngine() {}

    /**
     * @param ringSize the Disruptor ring's slots (a power of two).
     * @param maxBatch the most ticks a request may carry (at most half the ring).
     */
    public static EngineContext context(final Path dataDir, final int ringSize, final int maxBatch) {
        return new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("journal.roll.cycle", "FAST_DAILY")
                .set("ring.size", Integer.toString(ringSize))
                .set("ring.max.batch", Integer.toString(maxBatch))
                .set("writer.flush.interval.ms", "20")
                .set("writer.ring.bytes", "65536");
    }
}
