package io.tickengine.core.journal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import org.agrona.concurrent.Agent;

/**
 * Lets the kernel free the journal file's pages a little behind where the journal writes ({@code
 * journal.drop.behind.mb}), once they are on disk, so that the pages the journal writes next are ones it used a moment
 * ago.
 *
 * <p>Why: each page the journal writes is one the kernel must provide and zero. Left to the kernel, written pages stay
 * cached until memory runs short, so every new one comes from free memory; on a virtual machine that hands free memory
 * back to its host (free page reporting), a page used for the first time since costs a fault in the host, inside the
 * zeroing. Under 1,000-tick batches at about 2 M ticks/s that took 0.6 of a core ({@link JournalPretoucher}'s thread,
 * 98% in the kernel's page zeroing); with the pages freed 256 MB behind the writer the same run went from 2.15 to 3.15
 * M ticks/s. PostgreSQL advises the kernel the same way about its WAL segments.
 *
 * <p>Never a loss: the advice ({@link PageCache#dropClean}) starts the writeback of dirty pages and frees clean ones
 * only; a page still being written back is freed by a later duty cycle, which advises the whole distance behind again.
 * What is freed is read back from disk when needed (a replay, a backup). An Agrona {@link Agent}: a failed advice goes
 * to the runner's error handler once, and the file is then left to the kernel until the journal rolls to the next.
 *
 * <p>The agent's own thread only; {@link TickJournal#writingFile()} and then {@link TickJournal#writtenPosition()} are
 * read from the gate's commits (after a roll the position is never the old file's).
 */
public final class JournalDropBehind implements Agent {
    /** How far the write position moves before the next advice, by default. */
    static final long STEP_BYTES = 8L * 1024 * 1024;

    private final TickJournal journal;
    private final long behindBytes;
    private final long stepBytes;
    private File file;
    private PageCache cache;
    /** The file whose advice failed: left to the kernel. */
    private File failedFile;
    /** The end of the range last advised in {@link #file}. */
    private long advisedTo;
    /** Advice calls since the start. */
    private long advices;

    /** @param behindBytes how far behind the write position pages may be freed ({@code journal.drop.behind.mb}). */
    public JournalDropBehind(final TickJournal journal, final long behindBytes) {
        this(journal, behindBytes, STEP_BYTES);
    }

    /** @param stepBytes how far the write position moves before the next advice (tests use less). */
    JournalDropBehind(final TickJournal journal, final long behindBytes, final long stepBytes) {
        if (behindBytes <= 0 || stepBytes <= 0) {
            throw new IllegalArgumentException("behindBytes and stepBytes must be positive [behindBytes=" + behindBytes
                    + ", stepBytes=" + stepBytes + "]");
        }
        this.journal = journal;
        this.behindBytes = behindBytes;
        this.stepBytes = stepBytes;
    }

    /**
     * @return true where the kernel's page cache can be advised (Linux) and the journal is on a disk: on tmpfs or
     *     ramfs its pages are the file itself.
     */
    public static boolean isUsefulFor(final Path journalDir) {
        return PageCache.isSupported() && !PageCache.isInMemory(journalDir);
    }

    @Override
    public String roleName() {
        return "journal-drop-behind";
    }

    @Override
    public int doWork() throws IOException {
        final File writing = journal.writingFile();
        if (writing == null || writing.equals(failedFile)) {
            return 0;
        }
        try {
            if (!writing.equals(file)) {
                switchTo(writing);
            }
            final long to = journal.writtenPosition() - behindBytes;
            if (to - advisedTo < stepBytes) {
                return 0;
            }
            // The whole distance behind again, not only the new step: pages that were dirty or being written back
            // last time are clean by now. Cheap, as the kernel skips what is no longer cached.
            final long from = Math.max(0, to - behindBytes);
            cache.dropClean(from, to - from);
            advisedTo = to;
            advices++;
            return 1;
        } catch (final IOException | RuntimeException e) {
            failedFile = writing;
            close();
            throw e;
        }
    }

    /** @return the advice calls made since the start. */
    public long advices() {
        return advices;
    }

    @Override
    public void onClose() {
        close();
    }

    /**
     * The journal rolled (or started). The last {@code behindBytes} of the file it left stay cached until the kernel
     * needs the memory: at most that much once per roll.
     */
    private void switchTo(final File writing) throws IOException {
        close();
        cache = PageCache.open(writing.toPath());
        file = writing;
        advisedTo = 0;
    }

    private void close() {
        if (cache != null) {
            cache.close();
            cache = null;
        }
        file = null;
    }

    @Override
    public String toString() {
        return "JournalDropBehind[file=" + file + ", advisedTo=" + advisedTo + ", advices=" + advices + ']';
    }
}
