package io.tickengine.core.store;

import io.tickengine.core.tick.NameTable;
import org.agrona.DirectBuffer;

/**
 * Benchmark support: builds a {@link StoreBatch} as the writer thread does, so the COPY encoder and the PostgreSQL
 * store can be measured on their own. In the store's package (benchmarks' classpath only) because the batch is
 * filled through package-private methods by design.
 */
public final class BenchStoreBatches {
    private BenchStoreBatches() {}

    /** @return an empty batch. */
    public static StoreBatch create(final NameTable symbols, final NameTable sources) {
        return new StoreBatch(symbols, sources);
    }

    /** Adds a bar in the {@code CandleDescriptor} store layout. */
    public static void putCandle(final StoreBatch batch, final DirectBuffer buffer, final int offset) {
        batch.putCandle(buffer, offset);
    }

    /** Adds a checkpoint, as the writer does at the end of every batch. */
    public static void putCheckpoint(final StoreBatch batch, final String journalId, final long journalIndex) {
        batch.putCheckpoint(journalId, journalIndex);
    }
}
