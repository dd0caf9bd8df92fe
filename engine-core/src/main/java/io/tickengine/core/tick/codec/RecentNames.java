package io.tickengine.core.tick.codec;

import io.tickengine.core.tick.NameTable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The few names last interned in one {@link NameTable}, with their ids, for {@link JsonTickFastPath}. A batch holds one
 * symbol or a handful interleaved, so a match here spares the table's validation, hashing and probing. Only names that
 * the table accepted are remembered, and ids are never reused, so a remembered pair stays true across requests. One
 * instance per parser; not thread-safe.
 */
final class RecentNames {
    private static final int SLOTS = 4;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** The longest name compared as one word. */
    static final int WORD_LENGTH = Long.BYTES - 1;

    private final byte[][] names = new byte[SLOTS][NameTable.MAX_LENGTH];
    private final int[] lengths = new int[SLOTS];
    private final int[] ids = new int[SLOTS];
    /** Names of at most {@link #WORD_LENGTH} bytes as little-endian words, the bytes after them zero. */
    private final long[] words = new long[SLOTS];
    /** Names of 8 bytes or more: their first and last 8 bytes as little-endian words. */
    private final long[] heads = new long[SLOTS];

    private final long[] tails = new long[SLOTS];
    /** The slot the next name not found replaces, round robin. */
    private int next;

    /**
     * @param word the name as a little-endian word if it has at most {@link #WORD_LENGTH} bytes (1 or more), else
     *     ignored.
     * @return the id of {@code name[offset, offset + length)} if it is remembered, else -1.
     */
    int find(final byte[] name, final int offset, final int length, final long word) {
        if (length <= WORD_LENGTH) {
            for (int s = 0; s < SLOTS; s++) {
                if (words[s] == word && lengths[s] == length) {
                    return ids[s];
                }
            }
            return -1;
        }
        if (length <= 2 * Long.BYTES) {
            // 8 to 16 bytes: the first and the last eight, overlapping.
            final long head = (long) LONG.get(name, offset);
            final long tail = (long) LONG.get(name, offset + length - Long.BYTES);
            for (int s = 0; s < SLOTS; s++) {
                if (lengths[s] == length && heads[s] == head && tails[s] == tail) {
                    return ids[s];
                }
            }
            return -1;
        }
        for (int s = 0; s < SLOTS; s++) {
            if (lengths[s] == length && same(names[s], name, offset, length)) {
                return ids[s];
            }
        }
        return -1;
    }

    /**
     * Remembers a name just interned (1 to {@link NameTable#MAX_LENGTH} bytes) in place of the oldest one.
     *
     * @param word the name as {@link #find} takes it.
     */
    void remember(final byte[] name, final int offset, final int length, final long word, final int id) {
        final int s = next;
        next = s + 1 == SLOTS ? 0 : s + 1;
        // Only what find compares for a name of this length: over many symbols nearly every tick is remembered.
        if (length <= WORD_LENGTH) {
            words[s] = word;
        } else if (length <= 2 * Long.BYTES) {
            heads[s] = (long) LONG.get(name, offset);
            tails[s] = (long) LONG.get(name, offset + length - Long.BYTES);
        } else {
            System.arraycopy(name, offset, names[s], 0, length);
        }
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
