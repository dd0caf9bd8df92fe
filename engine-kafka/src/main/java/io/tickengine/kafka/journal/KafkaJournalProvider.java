package io.tickengine.kafka.journal;

import io.tickengine.core.EngineContext;
import io.tickengine.core.journal.ReplicatedJournal;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.store.Database;
import io.tickengine.core.tick.NameTable;

/** {@code journal.kind=kafka}: a {@link KafkaTickJournal} configured by the {@code kafka.*} keys. */
public final class KafkaJournalProvider implements ReplicatedJournal.Provider {
    @Override
    public String kind() {
        return "kafka";
    }

    @Override
    public ReplicatedJournal open(
            final EngineContext context,
            final Database database,
            final NameTable symbols,
            final NameTable sources,
            final EngineMetrics metrics) {
        return new KafkaTickJournal(context, database, symbols, sources, metrics);
    }
}
