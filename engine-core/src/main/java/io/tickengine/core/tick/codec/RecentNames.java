package io.tickengine.core.tick.codec;

import io.tickengine.core.tick.NameTable;

/**
 * The few names last interned in one {@link NameTable}, with their ids, for {@link JsonTickFastPath}. A batch holds one
 * symbol or a handful interleaved, so a match here spares the table's validation, hashing and probing. Only names that
 * the table accepted are remembered, and ids are never reused, so a remembered pair stays true across requests. One
 * instance per parser; not thread-safe.
 */
final class RecentNames {
    private static final int SLOTS = 4;

    private final byte[][] names = new byte[SLOTS][NameTable.MAX_LENGTH];
    private final int[] lengths = new int[SLOTS];
    private final int[] ids = new int[SLOTS];
    /** The slot the next name not found replaces, round robin. */
    private int next;

    /** @return the id of {@code name[offset, offset + length)} if it is remembered, else -1. */
    int find(final byte[] name, final int offset, final int length) {
        for (int s = 0; s < SLOTS; s++) {
            if (lengths[s] == length && same(names[s], name, offset, length)) {
                return ids[s];
            }
        }
        return -1;
    }

    /** Remembers a name just interned (1 to {@link NameTable#MAX_LENGTH} bytes) in place of the oldest one. */
    void remember(final byte[] name, final int offset, final int length, final int id) {
        final int s = next;
        next = s + 1 == SLOTS ? 0 : s + 1;
        System.arraycopy(name, offset, names[s], 0, length);
        lengths[s] = length;
        ids[s] = id;
    }

    private static boolean same(final byte[] remembered, final byte[] name, final int offset, final int length) {
        for (int i = 0; i < length; i++) {
            if (remembered[i] != name[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
