package io.tickengine.core.tick.codec;

import io.tickengine.core.tick.NameTable;

/**
 * The last name interned in one {@link NameTable} and its id. A batch nearly always repeats one symbol and one
 * source, so comparing with the previous name spares the table's validation, hashing and probing for most ticks. Ids
 * are never reused, so the remembered pair stays true across requests. One instance per parser; not thread-safe.
 */
final class LastName {
    private final byte[] bytes = new byte[NameTable.MAX_LENGTH];
    private int length;
    private int id;

    /** @return true if {@code name[offset, offset + length)} is the remembered name. */
    boolean matches(final byte[] name, final int offset, final int length) {
        if (length != this.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[i] != name[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /** @return the id of the remembered name; meaningful after {@link #matches} returned true. */
    int id() {
        return id;
    }

    /** Remembers a name just interned, of at most {@link NameTable#MAX_LENGTH} bytes. */
    void remember(final byte[] name, final int offset, final int length, final int id) {
        System.arraycopy(name, offset, bytes, 0, length);
        this.length = length;
        this.id = id;
    }
}
