package io.tickengine.core.ring;

/**
 * Completion of one {@link TickRing#tryPublish} call: told once every tick of the call is in the journal (and synced
 * to disk when {@code journal.sync} is on).
 *
 * <p>Called on the journal handler thread, at the end of a batch. It must not block: hand the answer to the thread
 * that owns the request (for example {@code channel.eventLoop().execute(..)}).
 */
@FunctionalInterface
public interface IngestAck {
    /**
     * @param accepted ticks journaled.
     * @param duplicates ticks dropped because their source had already sent that {@code seq}.
     */
    void onJournaled(int accepted, int duplicates);

    /**
     * Some tick of the publish call could not be journaled (e.g. disk full): it is not acknowledged and not
     * aggregated, and the client must be told to retry. Called instead of {@link #onJournaled}, on the journal
     * thread. Ticks of the call that were journaled stay journaled: a retry without {@code seq} may count them
     * twice, which is why senders should number their ticks.
     */
    default void onFailed(final String reason) {
        // Callers that cannot tell anyone (tests, importers that check the counters) ignore it.
    }
}
