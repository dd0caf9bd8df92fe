package io.tickengine.core.journal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's page cache for one file, through {@code posix_fadvise}: the one call the JDK does not offer. Linux only
 * ({@link #isSupported}); the calls go through JNA to the C library.
 *
 * <p>{@link #dropClean} is advice, never a loss: the kernel starts writing back the dirty pages of the range and
 * frees only the pages that are clean and mapped by no process; the others stay, and a later call may free them.
 */
final class PageCache implements AutoCloseable {
    /** {@code POSIX_FADV_DONTNEED} on Linux. */
    private static final int FADV_DONTNEED = 4;

    private static final int O_RDONLY = 0;

    /** The C library's calls this class makes. */
    interface LibC extends Library {
        int open(String path, int flags);

        int close(int fd);

        int posix_fadvise(int fd, long offset, long length, int advice);
    }

    private static final LibC LIBC = load();

    private final Path file;
    private int fd;

    private PageCache(final Path file, final int fd) {
        this.file = file;
        this.fd = fd;
    }

    /** @return true where the page cache can be advised (Linux, with JNA's native part loaded). */
    static boolean isSupported() {
        return LIBC != null;
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
        if (LIBC == null) {
            throw new IOException("page cache advice not supported on this platform [os=" + Platform.getOSType() + "]");
        }
        final int fd = LIBC.open(file.toString(), O_RDONLY);
        if (fd < 0) {
            throw new IOException(
                    "cannot open for page cache advice [file=" + file + ", errno=" + Native.getLastError() + "]");
        }
        return new PageCache(file, fd);
    }

    /**
     * Starts the writeback of the dirty pages in {@code [offset, offset + length)} and frees its clean, unmapped ones
     * ({@code length} 0: to the end of the file).
     */
    void dropClean(final long offset, final long length) throws IOException {
        final int error = LIBC.posix_fadvise(fd, offset, length, FADV_DONTNEED);
        if (error != 0) {
            throw new IOException("posix_fadvise failed [file=" + file + ", offset=" + offset + ", length=" + length
                    + ", errno=" + error + "]");
        }
    }

    @Override
    public void close() {
        if (fd >= 0) {
            LIBC.close(fd);
            fd = -1;
        }
    }

    private static LibC load() {
        if (!Platform.isLinux()) {
            return null;
        }
        try {
            return Native.load(Platform.C_LIBRARY_NAME, LibC.class);
        } catch (final LinkageError e) {
            // No native part for this platform: the journal's pages are left to the kernel.
            return null;
        }
    }
}
