package io.tickengine.core.store;

/**
 * A store could not be opened, read or written. Writes are retried by the writer; the message says where, the
 * {@link #reason()} why.
 */
public final class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;

    /** @param reason why, in plain words ({@link Database#reason}), without where; also shown by {@code /health}. */
    public StoreException(final String message, final String reason, final Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public StoreException(final String message, final Throwable cause) {
        this(message, message, cause);
    }

    public StoreException(final String message) {
        this(message, message, null);
    }

    /** @return why it failed, in plain words, e.g. {@code connection refused [host=127.0.0.1, port=5999]}. */
    public String reason() {
        return reason;
    }
}
