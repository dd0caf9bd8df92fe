package io.tickengine.core.signal;

/** What {@link SignalStore#ack} did. */
public enum AckOutcome {
    /** The ack was recorded. */
    RECORDED,
    /** The same lease was acked before: nothing changed (idempotent). */
    REPEATED,
    /** No such signal. */
    UNKNOWN_SIGNAL,
    /** The signal is leased to someone else now, or was acked under another lease. */
    FOREIGN_LEASE,
    /** The signal was never leased: there is nothing to ack. */
    NOT_LEASED
}
