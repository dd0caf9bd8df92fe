package io.tickengine.core.journal;

import io.tickengine.core.EngineContext;
import io.tickengine.core.metrics.EngineMetrics;
import java.util.ServiceLoader;
import org.agrona.concurrent.Agent;

/**
 * A copy of the journal kept elsewhere ({@code journal.mirror}), shipped behind the acknowledgement: the journal stays
 * the engine's record, the mirror serves consumers that only read the stream. An Agrona {@link Agent} run by the
 * engine like its other agents; an implementation comes from a module on the classpath through {@link Provider}
 * ({@code engine-kafka} for {@code journal.mirror=kafka}), so the core carries no client library of its own.
 *
 * <p>Threading: {@link #doWork()} and {@link #onClose()} on the runner's thread; {@link #finish} and {@link #close} on
 * the thread that closes the engine, after the runner stopped; {@link #shippedIndex()}, {@link #lagRecords()},
 * {@link #downReason()} and {@link #describe()} from any thread.
 */
public interface JournalMirror extends Agent, AutoCloseable {
    /**
     * @return the newest journal index that the mirror holds together with every index before it, -1 if none: the
     *     journal's retention never purges past it.
     */
    long shippedIndex();

    /** @return journal records not shipped yet. */
    long lagRecords();

    /** @return why shipping stalls (in plain words, with the cause), or {@code null} while it ships. */
    String downReason();

    /** @return failed attempts to ship (each is retried with backoff). */
    long errors();

    /** @return where the mirror ships to, for logs and {@code /health}. */
    String describe();

    /**
     * Ships what is left in the journal, on the calling thread, once the runner stopped (engine shutdown).
     *
     * @return true if everything was shipped within the timeout; the rest goes at the next start.
     */
    boolean finish(long timeoutMs);

    /** Releases the mirror's connections; after {@link #finish}. */
    @Override
    void close();

    /** Makes the mirror of one kind; found with {@link ServiceLoader}. */
    interface Provider {
        /** @return the value of {@code journal.mirror} it serves, e.g. {@code kafka}. */
        String kind();

        /** @return a mirror of {@code journal}, configured by {@code context}; connects lazily, never throws for a
         *     destination that is down (that is a {@link #downReason()}). */
        JournalMirror open(EngineContext context, TickJournal journal, EngineMetrics metrics);
    }

    /**
     * @return the mirror {@code journal.mirror} names, or {@code null} for {@code none}.
     * @throws IllegalArgumentException if no module on the classpath provides that kind.
     */
    static JournalMirror open(final EngineContext context, final TickJournal journal, final EngineMetrics metrics) {
        final String kind = context.journalMirror();
        if ("none".equals(kind)) {
            return null;
        }
        for (final Provider provider : ServiceLoader.load(Provider.class)) {
            if (provider.kind().equals(kind)) {
                return provider.open(context, journal, metrics);
            }
        }
        throw new IllegalArgumentException("no journal mirror of this kind on the classpath [journal.mirror=" + kind
                + "] (journal.mirror=kafka needs the engine-kafka module)");
    }
}
