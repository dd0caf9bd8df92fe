package io.tickengine.core.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.agrona.IoUtil;
import org.agrona.concurrent.Agent;

/**
 * Brings the journal file's pages into memory ahead of where the journal writes, so that the event loop, which
 * journals each request, finds them there. A page of the memory-mapped journal is first written on the event loop
 * otherwise, and the kernel must then provide and zero it inside that write: under 1,000-tick requests most of the
 * event loop's time went into the kernel's page zeroing. Reading a page through a mapping of this agent's own puts the
 * zeroed page into the page cache the journal's mapping shares; the journal's write then finds it present.
 *
 * <p>Not started where the journal is in memory already ({@link #isUsefulFor}). Reads only, never writes: a page read ahead of the writer cannot change what the journal holds, whatever the
 * timing. Up to {@code journal.pretouch.mb} ahead of the position after the last committed document, and never past
 * the file's end (Chronicle grows the file as it maps further). An Agrona {@link Agent}: anything unexpected (the file
 * gone, a read that faults) goes to the runner's error handler once, and that file is then left to the journal's own
 * writes until the journal rolls to the next.
 *
 * <p>The agent's own thread only; {@link TickJournal#writingFile()} and {@link TickJournal#writtenPosition()} are
 * read from the gate's commits.
 */
public final class JournalPretoucher implements Agent {
    static final int PAGE_BYTES = 4096;
    /** The part of the file mapped at a time: the file grows by far more than a {@code MappedByteBuffer} holds. */
    private static final long WINDOW_BYTES = 64L * 1024 * 1024;
    /** Pages touched per duty cycle at most, so that a close is not held up. */
    private static final int MAX_PAGES_PER_CYCLE = 1024;

    private final TickJournal journal;
    private final long aheadBytes;
    /** The file whose pages could not be touched: left to the journal's own writes. */
    private File failedFile;

    private File file;
    private FileChannel channel;
    private long fileSize;
    private MappedByteBuffer window;
    private long windowStart;
    private long windowEnd;
    /** The position up to which pages are touched in {@link #file}. */
    private long touchedTo;
    /** Pages touched since the start. */
    private long pagesTouched;
    /** Keeps the reads from being optimised away. */
    private int sink;

    /** @param aheadBytes how far ahead of the write position pages are touched ({@code journal.pretouch.mb}). */
    public JournalPretoucher(final TickJournal journal, final long aheadBytes) {
        this.journal = journal;
        this.aheadBytes = aheadBytes;
    }

    /**
     * @return false where the journal lives in memory already (tmpfs, ramfs): there a read of a page not yet written
     *     would take memory from the file system's size for nothing.
     */
    public static boolean isUsefulFor(final Path journalDir) {
        return !PageCache.isInMemory(journalDir);
    }

    @Override
    public String roleName() {
        return "journal-pretoucher";
    }

    @Override
    public int doWork() throws IOException {
        final File writing = journal.writingFile();
        if (writing == null || writing.equals(failedFile)) {
            return 0;
        }
        try {
            return touchAhead(writing);
        } catch (final IOException | RuntimeException | Error e) {
            // Reported once: the runner does not idle after an error, so a retry every duty cycle would spin on the
            // same failure. The journal writes the file's pages itself until it rolls to the next file.
            failedFile = writing;
            close();
            throw e;
        }
    }

    private int touchAhead(final File writing) throws IOException {
        if (!writing.equals(file)) {
            open(writing);
        }
        final long written = journal.writtenPosition();
        final long from = Math.max(touchedTo, written & -PAGE_BYTES);
        long to = written + aheadBytes;
        if (from >= to) {
            return 0;
        }
        if (to > fileSize) {
            fileSize = channel.size();
            to = Math.min(to, fileSize);
        }
        int pages = 0;
        for (long position = from; position < to && pages < MAX_PAGES_PER_CYCLE; position += PAGE_BYTES) {
            if (position < windowStart || position >= windowEnd) {
                map(position);
            }
            sink += window.get((int) (position - windowStart));
            touchedTo = position + PAGE_BYTES;
            pages++;
        }
        pagesTouched += pages;
        return pages;
    }

    /** @return the pages touched since the start. */
    public long pagesTouched() {
        return pagesTouched;
    }

    @Override
    public void onClose() {
        close();
    }

    private void open(final File writing) throws IOException {
        close();
        file = writing;
        channel = FileChannel.open(writing.toPath(), StandardOpenOption.READ);
        fileSize = channel.size();
        touchedTo = 0;
    }

    private void map(final long position) {
        unmap();
        final long start = position - position % WINDOW_BYTES;
        final long length = Math.min(WINDOW_BYTES, fileSize - start);
        try {
            window = channel.map(FileChannel.MapMode.READ_ONLY, start, length);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        windowStart = start;
        windowEnd = start + length;
    }

    private void unmap() {
        if (window != null) {
            IoUtil.unmap(window);
            window = null;
        }
        windowStart = 0;
        windowEnd = 0;
    }

    private void close() {
        unmap();
        if (channel != null) {
            try {
                channel.close();
            } catch (final IOException ignored) {
                // A read-only channel: nothing to lose.
            }
            channel = null;
        }
        file = null;
    }

    @Override
    public String toString() {
        return "JournalPretoucher[file=" + file + ", touchedTo=" + touchedTo + ", pages=" + pagesTouched + ", sink="
                + sink + ']';
    }
}
