package io.tickengine.core.tick;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Interns short ASCII names (symbols, source ids) to dense {@code int} ids, so the tick path carries an
 * {@code int} instead of a {@code String}.
 *
 * <p>Lookups are lock-free and allocate nothing: any thread (for example every Netty event loop) may call
 * {@link #intern(byte[], int, int)} concurrently. Adding a new name takes a lock and is O(1): the name goes into the
 * current arrays in place, and only when they are full are they copied into twice the room (amortised O(1) per
 * name, as an {@code ArrayList} grows), never a copy of the table per name. Ids are local to this process: the
 * journal stores names, not ids.
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
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** The longest name held as one word with its length ({@link #word}). */
    private static final int WORD_LENGTH = Long.BYTES - 1;

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
        if (length < 1 || length > MAX_LENGTH) {
            return INVALID;
        }
        final long word = word(bytes, offset, length);
        final int hash = hash(bytes, offset, length, word);
        final int id = state.find(bytes, offset, length, hash, word);
        if (id >= 0) {
            // The same bytes as a name accepted before: valid, without looking at each byte again.
            return id;
        }
        return isValid(bytes, offset, length) ? add(bytes, offset, length, hash, word) : INVALID;
    }

    /** Interns a name given as a {@code String}; not for the tick path (it encodes the string). */
    public int intern(final String name) {
        final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        return intern(bytes, 0, bytes.length);
    }

    /** @return the id of the name, or {@link #INVALID} if it is not interned. Allocates nothing. */
    public int find(final byte[] bytes, final int offset, final int length) {
        if (length < 1 || length > MAX_LENGTH) {
            return INVALID;
        }
        final long word = word(bytes, offset, length);
        final int id = state.find(bytes, offset, length, hash(bytes, offset, length, word), word);
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

    private synchronized int add(
            final byte[] bytes, final int offset, final int length, final int hash, final long word) {
        State current = state;
        final int existing = current.find(bytes, offset, length, hash, word);
        if (existing >= 0) {
            return existing;
        }
        final int id = current.size;
        if (id >= capacity) {
            return FULL;
        }
        if (id == current.names.length) {
            // Doubling: each name is copied O(1) times on average, so adding one is amortised O(1).
            current = current.grown();
            state = current;
        }
        final byte[] name = Arrays.copyOfRange(bytes, offset, offset + length);
        current.names[id] = name;
        current.strings[id] = new String(name, StandardCharsets.US_ASCII);
        current.words[id] = word;
        current.size = id + 1;
        // Published last, with release semantics: a reader that finds the slot sees the name written above.
        current.insert(id, hash);
        return id;
    }

    /**
     * @return a name of at most {@link #WORD_LENGTH} bytes as one little-endian word with its length in the top byte,
     *     so that two words are equal exactly when the bytes are, whatever the bytes (a lookup compares before it
     *     validates); 0 for a longer name.
     */
    private static long word(final byte[] bytes, final int offset, final int length) {
        if (length > WORD_LENGTH) {
            return 0;
        }
        long word;
        if (offset + Long.BYTES <= bytes.length) {
            word = (long) LONG.get(bytes, offset) & (-1L >>> (Long.SIZE - Byte.SIZE * length));
        } else {
            word = 0;
            for (int i = offset + length - 1; i >= offset; i--) {
                word = word << Byte.SIZE | (bytes[i] & 0xFF);
            }
        }
        return word | (long) length << (Long.SIZE - Byte.SIZE);
    }

    private static int hash(final byte[] bytes, final int offset, final int length, final long word) {
        if (length <= WORD_LENGTH) {
            final long h = word * 0x9E3779B97F4A7C15L;
            return (int) (h >>> 32) ^ (int) h;
        }
        int h = 0x9E3779B9;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = (h ^ bytes[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    /**
     * One generation of the table: names by id and an open-addressing index with at least four slots per name, so
     * probes stay short. Names are added in place (under the table's lock); readers never lock: a slot is written
     * with release and read with acquire semantics, so a reader that finds an id also sees its name. A new
     * generation replaces this one only when the names fill it.
     */
    private static final class State {
        private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(int[].class);

        final byte[][] names;
        final String[] strings;
        /** Per id: names of at most 7 bytes as one word ({@link #word}), compared without reading the name. */
        final long[] words;

        final int[] slots; // id + 1 per open-addressing slot, 0 = empty
        volatile int size;

        State(final int nameCapacity) {
            names = new byte[nameCapacity][];
            strings = new String[nameCapacity];
            words = new long[nameCapacity];
            slots = new int[Integer.highestOneBit(nameCapacity * 4 - 1) << 1];
        }

        int find(final byte[] bytes, final int offset, final int length, final int hash, final long word) {
            final int mask = slots.length - 1;
            for (int i = hash & mask; ; i = (i + 1) & mask) {
                final int slot = (int) SLOT.getAcquire(slots, i);
                if (slot == 0) {
                    return -1;
                }
                final int id = slot - 1;
                if (length <= WORD_LENGTH) {
                    // A longer name's word is 0, never a short name's.
                    if (words[id] == word) {
                        return id;
                    }
                } else {
                    final byte[] name = names[id];
                    if (Arrays.equals(name, 0, name.length, bytes, offset, offset + length)) {
                        return id;
                    }
                }
            }
        }

        void insert(final int id, final int hash) {
            final int mask = slots.length - 1;
            int i = hash & mask;
            while (slots[i] != 0) {
                i = (i + 1) & mask;
            }
            SLOT.setRelease(slots, i, id + 1);
        }

        /** @return a generation with twice the room, holding the same names under the same ids. */
        State grown() {
            final int count = size;
            final State next = new State(names.length * 2);
            System.arraycopy(names, 0, next.names, 0, count);
            System.arraycopy(strings, 0, next.strings, 0, count);
            System.arraycopy(words, 0, next.words, 0, count);
            for (int id = 0; id < count; id++) {
                next.insert(id, hash(names[id], 0, names[id].length, words[id]));
            }
            next.size = count;
            return next;
        }
    }
}
