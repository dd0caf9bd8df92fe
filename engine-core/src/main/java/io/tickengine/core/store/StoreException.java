package io.tickengine.core.store;

/** A store could not be opened, read or written. Writes are retried by the writer; the message says where. */
public final class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    public StoreException(final String message, final Throwable cause) {
        super(message, cause);
    }

    public StoreException(final String message) {
        super(message);
    }
}
