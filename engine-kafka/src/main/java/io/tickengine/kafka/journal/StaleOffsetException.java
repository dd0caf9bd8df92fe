package io.tickengine.kafka.journal;

/**
 * A partition's offset in the database is not the one this engine started its batch from: another engine stored the
 * partition meanwhile (a rebalance this engine has not heard of yet). The batch is rolled back, never stored twice.
 */
final class StaleOffsetException extends Exception {
    private static final long serialVersionUID = 1L;

    StaleOffsetException(final String message) {
        super(message);
    }
}
