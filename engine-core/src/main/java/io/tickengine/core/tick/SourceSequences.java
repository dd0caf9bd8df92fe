package io.tickengine.core.tick;

import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Which {@code seq}s each source (by source id) has had accepted, for exactly-once ingest without ordering rules:
 * the source's highest seq (its mark) and, for the {@code window} seqs {@code mark - window + 1 .. mark}, one bit
 * each telling whether that seq was accepted. Seqs may so arrive out of order, as Kafka's idempotent producer's
 * batches do with several requests in flight:
 *
 * <ul>
 *   <li>above the mark: new; accepting it raises the mark and slides the window up;
 *   <li>inside the window: new once (bit clear), then a {@link #DUPLICATE} (bit set);
 *   <li>below the window: {@link #BELOW_WINDOW}: whether it was accepted is no longer known, so it can be neither
 *       accepted nor called a duplicate; the sender is told (HTTP 409).
 * </ul>
 *
 * <p>The bits of a source are a circular bitmap of {@code window / 64} longs: seq {@code s} is bit {@code s & 63}
 * of word {@code (s >>> 6) & (words - 1)}, so sliding the window only clears the words of the seqs it passes.
 * {@link #copyWindow} and {@link #restore} move that bitmap as it is, little-endian, which is also its persisted
 * form ({@code engine_source_seq.window_bits}).
 *
 * <p>Single-threaded. Allocates only when a source first appears (its bitmap) or the table grows.
 */
public final class SourceSequences {
    /** The seq was not accepted before: accept it. */
    public static final int NEW = 0;
    /** The seq was accepted before. */
    public static final int DUPLICATE = 1;
    /** The seq is below the source's window: refuse it. */
    public static final int BELOW_WINDOW = 2;

    /** Smallest window: one word. */
    public static final int MIN_WINDOW = 64;
    /** Largest window: 128 KiB of bits per source. */
    public static final int MAX_WINDOW = 1 << 20;

    private final int window;
    private final int words;
    private final int wordMask;
    private long[] marks = new long[16];
    private long[][] bits = new long[16][];

    /** @param window seqs remembered below each source's mark: a power of two, {@value #MIN_WINDOW}..{@value #MAX_WINDOW}. */
    public SourceSequences(final int window) {
        if (Integer.bitCount(window) != 1 || window < MIN_WINDOW || window > MAX_WINDOW) {
            throw new IllegalArgumentException("dedup window must be a power of two in " + MIN_WINDOW + ".."
                    + MAX_WINDOW + " [window=" + window + "]");
        }
        this.window = window;
        this.words = window >>> 6;
        this.wordMask = words - 1;
    }

    /** @return the number of seqs remembered below each mark. */
    public int window() {
        return window;
    }

    /** @return the bytes of one source's bitmap ({@link #copyWindow}). */
    public int windowBytes() {
        return words * Long.BYTES;
    }

    /**
     * Classifies {@code seq} (> 0) from {@code sourceId} without changing anything.
     *
     * @return {@link #NEW}, {@link #DUPLICATE} or {@link #BELOW_WINDOW}.
     */
    public int check(final int sourceId, final long seq) {
        final long mark = highWaterMark(sourceId);
        if (seq > mark) {
            return NEW;
        }
        if (seq <= mark - window) {
            return BELOW_WINDOW;
        }
        final long[] b = bits[sourceId];
        return b != null && (b[wordIndex(seq)] & (1L << seq)) != 0 ? DUPLICATE : NEW;
    }

    /**
     * Records {@code seq} (> 0) as accepted: sets its bit, and raises the mark first when it is above. A seq below
     * the window is ignored (the journal replay at start meets such seqs: they were accepted long ago).
     */
    public void accept(final int sourceId, final long seq) {
        final long[] b = bitsOf(sourceId);
        final long mark = marks[sourceId];
        if (seq > mark) {
            clear(b, mark + 1, seq);
            marks[sourceId] = seq;
        } else if (seq <= mark - window) {
            return;
        }
        b[wordIndex(seq)] |= 1L << seq;
    }

    /** @return the source's mark, its highest seq accepted; 0 if it has sent nothing. */
    public long highWaterMark(final int sourceId) {
        return sourceId < marks.length ? marks[sourceId] : 0;
    }

    /** @return the lowest seq inside the source's window, at least 1. */
    public long windowLow(final int sourceId) {
        return Math.max(1, highWaterMark(sourceId) - window + 1);
    }

    /** Copies the source's bitmap ({@link #windowBytes} bytes) to {@code buffer} at {@code offset}. */
    public void copyWindow(final int sourceId, final MutableDirectBuffer buffer, final int offset) {
        final long[] b = sourceId < bits.length ? bits[sourceId] : null;
        for (int i = 0; i < words; i++) {
            buffer.putLong(offset + i * Long.BYTES, b == null ? 0 : b[i]);
        }
    }

    /**
     * Puts a source back as persisted (start-up, before any accept): its mark and the bitmap
     * {@link #copyWindow} wrote, of {@code length} bytes at {@code offset}, possibly for another window size.
     * Seqs up to the mark that the bitmap does not cover (none given, as stored before windows existed, or a
     * smaller window then) count as accepted: a duplicate is dropped rather than a tick counted twice.
     */
    public void restore(
            final int sourceId, final long mark, final DirectBuffer bitmap, final int offset, final int length) {
        final long[] b = bitsOf(sourceId);
        marks[sourceId] = mark;
        final int storedWords = bitmap == null ? 0 : length / Long.BYTES;
        if (storedWords == words) {
            for (int i = 0; i < words; i++) {
                b[i] = bitmap.getLong(offset + i * Long.BYTES);
            }
            return;
        }
        Arrays.fill(b, -1L);
        if (storedWords == 0 || Integer.bitCount(storedWords) != 1) {
            return;
        }
        final long storedWindow = (long) storedWords << 6;
        final long from = Math.max(mark - storedWindow + 1, mark - window + 1);
        for (long seq = Math.max(1, from); seq <= mark; seq++) {
            final int storedWord = (int) ((seq >>> 6) & (storedWords - 1));
            if ((bitmap.getLong(offset + storedWord * Long.BYTES) & (1L << seq)) == 0) {
                b[wordIndex(seq)] &= ~(1L << seq);
            }
        }
    }

    private int wordIndex(final long seq) {
        return (int) ((seq >>> 6) & wordMask);
    }

    /** Clears the bits of seqs {@code from..to}, which leave the window as the mark rises to {@code to}. */
    private void clear(final long[] b, final long from, final long to) {
        if (to - from >= window) {
            Arrays.fill(b, 0);
            return;
        }
        for (long seq = from; seq <= to; ) {
            final long end = Math.min(to, seq | 63);
            final long mask = (-1L << seq) & (-1L >>> (63 - (int) (end & 63)));
            b[wordIndex(seq)] &= ~mask;
            seq = end + 1;
        }
    }

    private long[] bitsOf(final int sourceId) {
        if (sourceId >= marks.length) {
            final int capacity = Math.max(sourceId + 1, marks.length * 2);
            marks = Arrays.copyOf(marks, capacity);
            bits = Arrays.copyOf(bits, capacity);
        }
        long[] b = bits[sourceId];
        if (b == null) {
            b = new long[words];
            bits[sourceId] = b;
        }
        return b;
    }
}
