package io.tickengine.core.journal;

import io.tickengine.core.os.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's page cache for one file ({@link Posix#dropFromPageCache}). {@link #dropClean} is advice, never a loss:
 * the kernel starts writing back the dirty pages of the range and frees only the pages that are clean and mapped by
 * no process; the others stay, and a later call may free them.
 */
final class PageCache implements AutoCloseable {
    private final int fd;
    private boolean closed;

    private PageCache(final int fd) {
        this.fd = fd;
    }

    /** @return true where the page cache can be advised (Linux, with JNA's native part loaded). */
    static boolean isSupported() {
        return Posix.isAvailable();
    }

    /** @return true where {@code dir} is a file system in memory (tmpfs, ramfs): no disk behind its page cache. */
    static boolean isInMemory(final Path dir) {
        try {
            final String type = Files.getFileStore(dir).type();
            return "tmpfs".equals(type) || "ramfs".equals(type);
        } catch (final IOException e) {
            return false;
        }
    }

    /** Opens {@code file} for advice (read-only). */
    static PageCache open(final Path file) throws IOException {
        return new PageCache(Posix.openForAdvice(file));
    }

    /**
     * Starts the writeback of the dirty pages in {@code [offset, offset + length)} and frees its clean, unmapped ones
     * ({@code length} 0: to the end of the file).
     */
    void dropClean(final long offset, final long length) throws IOException {
        Posix.dropFromPageCache(fd, offset, length);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Posix.close(fd);
        }
    }
}
