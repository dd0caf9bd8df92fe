package io.tickengine.core.ring;

/**
 * The answer to one request offered to the ingest gate ({@code io.tickengine.core.ingest.IngestGate}): told once
 * every record of it is in the journal (and synced to disk when {@code journal.sync} is on), or why not.
 *
 * <p>Without {@code journal.sync} it is told on the thread that offered the request, before the offer returns (an
 * event loop answers in the same task). With it, a journaled request is told on the syncer thread after the group
 * commit; it must not block there: hand the answer to the thread that owns the request (for example
 * {@code channel.eventLoop().execute(..)}).
 */
@FunctionalInterface
public interface IngestAck {
    /**
     * @param accepted ticks journaled.
     * @param duplicates ticks dropped because their source had already sent that {@code seq}.
     */
    void onJournaled(int accepted, int duplicates);

    /**
     * Some tick of the publish call could not be journaled: it is not acknowledged and not aggregated, no seq of it
     * is recorded, and the client must be told to retry ({@code 503 not journaled}). Called instead of
     * {@link #onJournaled}. With less free space than {@code journal.min.free.mb}
     * ({@code reason} starts with {@code disk full}) nothing of the call was written. After a failed append or sync,
     * ticks of the call journaled before it stay journaled: a retry without {@code seq} may count them twice, which
     * is why senders should number their ticks.
     */
    default void onFailed(final String reason) {
        // Callers that cannot tell anyone (tests, importers that check the counters) ignore it.
    }

    /**
     * A tick of the publish call has a {@code seq} below its source's dedup window: whether that seq was accepted
     * before is no longer known, so the whole call is refused: none of its ticks is journaled and no seq is
     * recorded. Called instead of {@link #onJournaled}. Resending it changes nothing; the
     * sender must drop or re-number that tick (HTTP 409).
     *
     * @param index the tick's index in the call.
     * @param reason names the source, the seq and the window, e.g. {@code seq below the dedup window [source=term-01,
     *     seq=12, window=70001..135536]}.
     */
    default void onSeqBelowWindow(final int index, final String reason) {
        // As for onFailed: callers that cannot tell anyone ignore it.
    }
}
