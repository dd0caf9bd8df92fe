package io.tickengine.kafka.journal;

import io.tickengine.core.EngineContext;
import io.tickengine.core.journal.ReplicatedJournal;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.ring.IngestAck;
import io.tickengine.core.store.Database;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.kafka.KafkaSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code journal.kind=kafka}: the topic is the journal. Each engine acknowledges a request once the cluster has its
 * ticks ({@link TickSender}) and, as one member of the consumer group {@code kafka.group}, stores the ticks and candles
 * of the partitions it owns into the shared PostgreSQL/TimescaleDB, exactly once ({@link GroupStore}).
 */
public final class KafkaTickJournal implements ReplicatedJournal {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTickJournal.class);

    private final KafkaSettings settings;
    private final TickSender sender;
    private final GroupStore store;
    private final long shutdownTimeoutMs;

    public KafkaTickJournal(
            final EngineContext context,
            final Database database,
            final NameTable symbols,
            final NameTable sources,
            final EngineMetrics metrics) {
        this.settings = KafkaSettings.from(context.kafkaSettings());
        this.sender =
                new TickSender(settings, symbols, sources, context.dedupWindow(), context.maxBatchSize(), metrics);
        this.store = new GroupStore(
                settings,
                database,
                context.timeframes(),
                context.sessionOffsetMsc(),
                context.lastPriceSymbols(),
                context.dedupWindow());
        this.shutdownTimeoutMs = context.shutdownTimeoutMs();
    }

    @Override
    public long tryPublish(final TickBuffer ticks, final IngestAck ack) {
        return sender.tryPublish(ticks, ack);
    }

    @Override
    public int maxBatchSize() {
        return sender.maxBatchSize();
    }

    @Override
    public String downReason() {
        return sender.downReason();
    }

    @Override
    public String storeDownReason() {
        return store.downReason();
    }

    @Override
    public String describe() {
        return "kafka [topic=" + settings.topic() + ", group=" + settings.group() + ", bootstrap="
                + settings.bootstrapServers() + "]";
    }

    @Override
    public String ownedParts() {
        return store.ownedParts();
    }

    @Override
    public long storeLagRecords() {
        return store.lagRecords();
    }

    @Override
    public long storedTicks() {
        return store.storedTicks();
    }

    @Override
    public long droppedDuplicates() {
        return store.droppedDuplicates();
    }

    @Override
    public long storeLostMessages() {
        return store.lostMessages();
    }

    @Override
    public String storeLastLoss() {
        return store.lastLoss();
    }

    @Override
    public void start() {
        sender.start();
        store.start();
        LOG.info("kafka journal started [journal={}]", describe());
    }

    @Override
    public void close() {
        sender.close(shutdownTimeoutMs);
        store.close(shutdownTimeoutMs);
        LOG.info("kafka journal stopped [journal={}]", describe());
    }
}
