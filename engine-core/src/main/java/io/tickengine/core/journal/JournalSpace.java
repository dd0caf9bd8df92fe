package io.tickengine.core.journal;

import io.tickengine.core.metrics.EngineMetrics;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The free-space gate in front of the journal. Chronicle writes through a memory-mapped file: on a full file system
 * the write faults ({@code InternalError} from SIGBUS) instead of failing cleanly. So, as Chronicle's own disk-space
 * monitor does, the gate looks at the file system's free space ahead of the mapping and refuses while less than the
 * margin ({@code journal.min.free.mb}) is left: the request is answered {@code 503 not journaled: disk full} before
 * anything of it is written.
 *
 * <p>A look is one {@code statfs}: taken at most every {@link #CHECK_INTERVAL_NS} while there is room, sooner when a
 * quarter of the margin has been appended since the last look (so the journal's own writes never eat the margin
 * between two looks), and at every request while full, so that ingest resumes by itself as soon as space is freed.
 *
 * <p>Threading: {@link #hasRoom} and {@link #onAppended} are called under the ingest gate's lock; {@link #isFull},
 * {@link #freeBytes} and {@link #describe} may be read from any thread.
 */
public final class JournalSpace {
    /** Longest time between two looks while there is room. */
    public static final long CHECK_INTERVAL_NS = 100_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(JournalSpace.class);

    private final Path dir;
    private final long minFreeBytes;
    private final EngineMetrics metrics;
    private final FileStore store;
    private long nextCheckNs;
    private long appendedSinceCheck;
    private volatile boolean full;
    private volatile long freeBytes = -1;

    /**
     * @param dir the journal directory (it exists).
     * @param minFreeBytes the margin; 0 turns the gate off.
     */
    public JournalSpace(final Path dir, final long minFreeBytes, final EngineMetrics metrics) {
        this.dir = dir;
        this.minFreeBytes = minFreeBytes;
        this.metrics = metrics;
        FileStore fileStore = null;
        try {
            fileStore = Files.getFileStore(dir);
        } catch (final IOException e) {
            LOG.warn("cannot watch the journal's free space [dir={}, cause={}]", dir, e.toString());
        }
        this.store = fileStore;
    }

    /**
     * @param nowNs {@link System#nanoTime()}.
     * @return true if the journal may take a request now; false while the file system is below the margin.
     */
    public boolean hasRoom(final long nowNs) {
        if (minFreeBytes == 0 || store == null) {
            return true;
        }
        if (full || nowNs - nextCheckNs >= 0 || appendedSinceCheck >= minFreeBytes / 4) {
            check(nowNs);
        }
        return !full;
    }

    /** Counts bytes appended since the last look. Journal handler thread. */
    public void onAppended(final int bytes) {
        appendedSinceCheck += bytes;
    }

    private void check(final long nowNs) {
        nextCheckNs = nowNs + CHECK_INTERVAL_NS;
        appendedSinceCheck = 0;
        long free;
        try {
            free = store.getUsableSpace();
        } catch (final IOException e) {
            // Cannot tell: let the append try; a failure there is answered 503 all the same.
            free = Long.MAX_VALUE;
        }
        freeBytes = free;
        metrics.journalFreeBytes.setRelease(free == Long.MAX_VALUE ? -1 : free);
        final boolean nowFull = free < minFreeBytes;
        if (nowFull != full) {
            full = nowFull;
            metrics.journalDiskFull.setRelease(nowFull ? 1 : 0);
            if (nowFull) {
                LOG.error(
                        "journal disk full: ingest refused until space is freed [dir={}, freeBytes={}, minFreeBytes={}]",
                        dir,
                        free,
                        minFreeBytes);
            } else {
                LOG.info(
                        "journal disk has room again: ingest resumes [dir={}, freeBytes={}, minFreeBytes={}]",
                        dir,
                        free,
                        minFreeBytes);
            }
        }
    }

    /** @return true while the last look found less free space than the margin. Any thread. */
    public boolean isFull() {
        return full;
    }

    /** @return free bytes at the last look, -1 before the first. Any thread. */
    public long freeBytes() {
        return freeBytes;
    }

    /** @return the margin in bytes, 0 when the gate is off. */
    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** @return e.g. {@code disk full [dir=data/journal, freeBytes=1048576, minFreeBytes=268435456]}. Any thread. */
    public String describe() {
        return "disk full [dir=" + dir + ", freeBytes=" + freeBytes + ", minFreeBytes=" + minFreeBytes + "]";
    }
}
