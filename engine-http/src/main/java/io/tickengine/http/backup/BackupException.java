package io.tickengine.http.backup;

/**
 * A backup or restore that cannot go on, with a message for the operator (what, which file, why). Nothing is left
 * half-written when it is thrown.
 */
public final class BackupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackupException(final String message) {
        super(message);
    }

    public BackupException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
