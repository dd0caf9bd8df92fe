package io.tickengine.edge.store;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free space of the disk the buffer lives on, against {@code buffer.min.free.mb}: below it, new ticks are
 * refused (507) before SQLite fails half-way, and {@code /health} and {@code status} say {@code buffer disk full}.
 * Thread-safe.
 */
public final class DiskSpace {
    /** Free bytes when the file system cannot tell. */
    public static final long UNKNOWN = -1;

    private final FileStore disk;
    private final long minFreeBytes;

    private DiskSpace(final FileStore disk, final long minFreeBytes) {
        this.disk = disk;
        this.minFreeBytes = minFreeBytes;
    }

    /** @return the space of the disk that holds {@code file}. */
    public static DiskSpace of(final Path file, final long minFreeBytes) throws IOException {
        return new DiskSpace(Files.getFileStore(file), minFreeBytes);
    }

    /** @return bytes this process may still write there, or {@link #UNKNOWN}. */
    public long freeBytes() {
        try {
            return disk.getUsableSpace();
        } catch (final IOException e) {
            return UNKNOWN;
        }
    }

    /** @return the least free space wanted ({@code buffer.min.free.mb}). */
    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** @return true if the free space is known and below the minimum. */
    public boolean isLow() {
        final long free = freeBytes();
        return free != UNKNOWN && free < minFreeBytes;
    }
}
