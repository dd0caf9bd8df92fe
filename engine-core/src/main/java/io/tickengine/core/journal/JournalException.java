package io.tickengine.core.journal;

/** The journal cannot be opened, written or read. */
public final class JournalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JournalException(final String message) {
        super(message);
    }

    public JournalException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
