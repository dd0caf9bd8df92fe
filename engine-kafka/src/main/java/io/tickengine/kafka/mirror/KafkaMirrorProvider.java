package io.tickengine.kafka.mirror;

import io.tickengine.core.EngineContext;
import io.tickengine.core.journal.JournalMirror;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.kafka.KafkaSettings;

/** {@code journal.mirror=kafka}: a {@link KafkaJournalMirror} configured by the {@code kafka.*} keys. */
public final class KafkaMirrorProvider implements JournalMirror.Provider {
    @Override
    public String kind() {
        return "kafka";
    }

    @Override
    public JournalMirror open(final EngineContext context, final TickJournal journal, final EngineMetrics metrics) {
        return new KafkaJournalMirror(journal, KafkaSettings.from(context.kafkaSettings()));
    }
}
