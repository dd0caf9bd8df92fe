package io.tickengine.core.tick;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Interns short ASCII names (symbols, source ids) to dense {@code int} ids, so the tick path carries an
 * {@code int} instead of a {@code String}.
 *
 * <p>Lookups are lock-free and allocate nothing: any thread (for example every Netty event loop) may call
 * {@link #intern(byte[], int, int)} concurrently. Adding a new name copies the table under a lock; that happens
 * once per distinct name, never per tick. Ids are local to this process: the journal stores names, not ids.
 *
 * <p>A valid name is 1 to {@link #MAX_LENGTH} characters of {@code [A-Za-z0-9._#+-]}.
 */
public final class NameTable {
    /** Longest name accepted, in bytes. */
    public static final int MAX_LENGTH = 32;
    /** Returned by {@code intern} when the name is empty, too long or has a character outside the allowed set. */
    public static final int INVALID = -1;
    /** Returned by {@code intern} when the table already holds {@link #capacity()} names. */
    public static final int FULL = -2;

    private static final boolean[] ALLOWED = new boolean[128];

    static {
        for (char c = 'A'; c <= 'Z'; c++) ALLOWED[c] = true;
        for (char c = 'a'; c <= 'z'; c++) ALLOWED[c] = true;
        for (char c = '0'; c <= '9'; c++) ALLOWED[c] = true;
        for (char c : "._#+-".toCharArray()) ALLOWED[c] = true;
    }

    private final int capacity;
    private volatile State state = new State(16);

    /** @param capacity the most distinct names this table will hold. */
    public NameTable(final int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive [capacity=" + capacity + "]");
        }
        this.capacity = capacity;
    }

    /** @return the most distinct names this table will hold. */
    public int capacity() {
        return capacity;
    }

    /** @return how many names are interned. */
    public int size() {
        return state.size;
    }

    /**
     * Returns the id of the name in {@code bytes[offset, offset + length)}, adding it if new.
     *
     * @return the id ({@code >= 0}), {@link #INVALID} or {@link #FULL}.
     */
    public int intern(final byte[] bytes, final int offset, final int length) {
        if (!isValid(bytes, offset, length)) {
            return INVALID;
        }
        final int hash = hash(bytes, offset, length);
        final int id = state.find(bytes, offset, length, hash);
        return id >= 0 ? id : add(bytes, offset, length, hash);
    }

    /** Interns a name given as a {@code String}; not for the tick path (it encodes the string). */
    public int intern(final String name) {
        final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        return intern(bytes, 0, bytes.length);
    }

    /** @return the id of the name, or {@link #INVALID} if it is not interned. Allocates nothing. */
    public int find(final byte[] bytes, final int offset, final int length) {
        if (!isValid(bytes, offset, length)) {
            return INVALID;
        }
        final int id = state.find(bytes, offset, length, hash(bytes, offset, length));
        return id >= 0 ? id : INVALID;
    }

    /** @return the name of an interned id. */
    public String name(final int id) {
        return state.strings[id];
    }

    /** @return the ASCII bytes of an interned id; shared, never to be modified. */
    public byte[] bytes(final int id) {
        return state.names[id];
    }

    /** @return true if {@code bytes[offset, offset + length)} is a valid name. */
    public static boolean isValid(final byte[] bytes, final int offset, final int length) {
        if (length < 1 || length > MAX_LENGTH) {
            return false;
        }
        for (int i = offset, end = offset + length; i < end; i++) {
            final int c = bytes[i];
            if (c < 0 || !ALLOWED[c]) {
                return false;
            }
        }
        return true;
    }

    /** @return true if the string is a valid name. */
    public static boolean isValid(final CharSequence name) {
        final int length = name.length();
        if (length < 1 || length > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            final char c = name.charAt(i);
            if (c >= 128 || !ALLOWED[c]) {
                return false;
            }
        }
        return true;
    }

    private synchronized int add(final byte[] bytes, final int offset, final int length, final int hash) {
        final State current = state;
        final int existing = current.find(bytes, offset, length, hash);
        if (existing >= 0) {
            return existing;
        }
        if (current.size >= capacity) {
            return FULL;
        }
        // Copy-on-write: readers never see a half-built table, and adding a name is rare.
        final State next = current.copyFor(current.size + 1);
        final int id = next.size++;
        next.names[id] = Arrays.copyOfRange(bytes, offset, offset + length);
        next.strings[id] = new String(next.names[id], StandardCharsets.US_ASCII);
        next.insert(id, hash);
        state = next;
        return id;
    }

    private static int hash(final byte[] bytes, final int offset, final int length) {
        int h = 0x9E3779B9;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = (h ^ bytes[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    private static final class State {
        final byte[][] names;
        final String[] strings;
        final int[] slots; // id + 1 per open-addressing slot, 0 = empty
        int size;

        State(final int nameCapacity) {
            names = new byte[nameCapacity][];
            strings = new String[nameCapacity];
            slots = new int[Integer.highestOneBit(nameCapacity * 4 - 1) << 1];
        }

        int find(final byte[] bytes, final int offset, final int length, final int hash) {
            final int mask = slots.length - 1;
            for (int i = hash & mask; ; i = (i + 1) & mask) {
                final int slot = slots[i];
                if (slot == 0) {
                    return -1;
                }
                final byte[] name = names[slot - 1];
                if (Arrays.equals(name, 0, name.length, bytes, offset, offset + length)) {
                    return slot - 1;
                }
            }
        }

        void insert(final int id, final int hash) {
            final int mask = slots.length - 1;
            int i = hash & mask;
            while (slots[i] != 0) {
                i = (i + 1) & mask;
            }
            slots[i] = id + 1;
        }

        State copyFor(final int minSize) {
            final State next = new State(Math.max(names.length, Integer.highestOneBit(minSize - 1) << 1));
            System.arraycopy(names, 0, next.names, 0, size);
            System.arraycopy(strings, 0, next.strings, 0, size);
            next.size = size;
            for (int id = 0; id < size; id++) {
                next.insert(id, hash(names[id], 0, names[id].length));
            }
            return next;
        }
    }
}
