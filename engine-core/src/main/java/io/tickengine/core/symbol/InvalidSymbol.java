package io.tickengine.core.symbol;

/**
 * A symbol entry that is not acceptable: HTTP 400 with this message, the entry's index in the request and the field
 * at fault. Thrown before anything is stored.
 */
public final class InvalidSymbol extends Exception {
    private static final long serialVersionUID = 1L;
    private final int index;
    private final String field;

    public InvalidSymbol(final String message, final int index, final String field) {
        super(message, null, false, false);
        this.index = index;
        this.field = field;
    }

    /** @return the entry's index in the request, or -1. */
    public int index() {
        return index;
    }

    /** @return the wire name of the field at fault, or {@code null}. */
    public String field() {
        return field;
    }
}
