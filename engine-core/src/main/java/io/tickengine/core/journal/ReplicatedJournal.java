package io.tickengine.core.journal;

import io.tickengine.core.EngineContext;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.ring.IngestAck;
import io.tickengine.core.store.Database;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import java.util.ServiceLoader;

/**
 * The journal kept by a cluster instead of the local disk ({@code journal.kind}, e.g. {@code kafka}): a request's
 * ticks are acknowledged once the cluster holds them, and the engines sharing the cluster aggregate and store them
 * (candles and ticks, exactly once into the database) for the parts of the stream each one owns. An implementation
 * comes from a module on the classpath through {@link Provider} ({@code engine-kafka} for {@code journal.kind=kafka}),
 * so the core carries no client library of its own.
 *
 * <p>Threading: {@link #tryPublish} from any thread (event loops); the {@link IngestAck} is told on a thread of the
 * implementation (hand the answer to the thread that owns the request). {@link #start} and {@link #close} on the thread
 * that starts or closes the engine; the state accessors from any thread.
 */
public interface ReplicatedJournal extends AutoCloseable {
    /**
     * Sends every tick of {@code ticks} that this engine does not know as a duplicate, and tells {@code ack} once the
     * cluster has them all ({@link IngestAck#onJournaled}), or why not ({@link IngestAck#onFailed}: nothing of the
     * request is acknowledged, the client resends it). Never blocks: the ticks are copied before it returns.
     *
     * @return {@code >= 0} when {@code ack} is or will be told; {@code io.tickengine.core.ring.TickRing#BACK_PRESSURED},
     *     {@code CLOSED} or {@code TOO_LARGE} when nothing happened and {@code ack} is not told.
     */
    long tryPublish(TickBuffer ticks, IngestAck ack);

    /** @return the most ticks one request may carry. */
    int maxBatchSize();

    /** @return why ingest is refused now, in plain words (e.g. {@code topic missing [topic=ticks]}), or {@code null}. */
    String downReason();

    /** @return why the store side (consumer) does not write now, or {@code null} while it does. */
    String storeDownReason();

    /** @return where the journal lives, for logs and {@code /health}. */
    String describe();

    /** @return the parts of the stream this engine stores now, e.g. {@code ticks-0,ticks-3}, for {@code /health}. */
    String ownedParts();

    /** @return records of the owned parts not stored yet (-1 when not known). */
    long storeLagRecords();

    /** @return ticks this engine's store side wrote since it started. */
    long storedTicks();

    /** @return messages this engine's store side dropped as duplicates of a stored {@code (source, seq)}. */
    long droppedDuplicates();

    /**
     * @return messages the cluster deleted (the topic's retention) before this engine's store side stored them, since
     *     it started: their ticks were acknowledged and are not in the database.
     */
    long storeLostMessages();

    /** @return the last such gap in plain words ({@code ticks-0 offsets 100-199 (100 messages)}), or {@code null}. */
    String storeLastLoss();

    /** Starts sending and storing; after the engine's own start-up. */
    void start();

    /** Stops accepting, answers what is in flight, stores what it has read, and releases its connections. */
    @Override
    void close();

    /** Makes the journal of one kind; found with {@link ServiceLoader}. */
    interface Provider {
        /** @return the value of {@code journal.kind} it serves, e.g. {@code kafka}. */
        String kind();

        /**
         * @return a journal configured by {@code context} that stores into {@code database}; connects lazily, never
         *     throws for a cluster that is down (that is a {@link #downReason()}).
         */
        ReplicatedJournal open(
                EngineContext context, Database database, NameTable symbols, NameTable sources, EngineMetrics metrics);
    }

    /**
     * @return the journal {@code journal.kind} names, or {@code null} for {@code chronicle} (the local journal).
     * @throws IllegalArgumentException if no module on the classpath provides that kind.
     */
    static ReplicatedJournal open(
            final EngineContext context,
            final Database database,
            final NameTable symbols,
            final NameTable sources,
            final EngineMetrics metrics) {
        final String kind = context.journalKind();
        if ("chronicle".equals(kind)) {
            return null;
        }
        for (final Provider provider : ServiceLoader.load(Provider.class)) {
            if (provider.kind().equals(kind)) {
                return provider.open(context, database, symbols, sources, metrics);
            }
        }
        throw new IllegalArgumentException("no journal of this kind on the classpath [journal.kind=" + kind
                + "] (journal.kind=kafka needs the engine-kafka module)");
    }
}
