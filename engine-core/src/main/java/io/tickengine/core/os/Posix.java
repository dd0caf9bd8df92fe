package io.tickengine.core.os;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The few C library calls the engine needs and the JDK does not offer, through JNA: page cache advice for the
 * journal, and a lower scheduling priority for background threads. Linux only: elsewhere {@link #isAvailable} is
 * false and callers leave things to the kernel.
 */
public final class Posix {
    /** {@code POSIX_FADV_DONTNEED} on Linux. */
    private static final int FADV_DONTNEED = 4;

    private static final int O_RDONLY = 0;
    /** {@code PRIO_PROCESS}: with a thread id, on Linux, the priority of that one thread. */
    private static final int PRIO_PROCESS = 0;
    /** {@code PR_SET_TIMERSLACK}: how late the kernel may wake the calling thread from a timed sleep. */
    private static final int PR_SET_TIMERSLACK = 29;

    /** The C library's calls this class makes. */
    interface LibC extends Library {
        int open(String path, int flags);

        int close(int fd);

        int posix_fadvise(int fd, long offset, long length, int advice);

        int gettid();

        int setpriority(int which, int who, int priority);

        int prctl(int option, long arg2, long arg3, long arg4, long arg5);
    }

    private static final LibC LIBC = load();

    private Posix() {}

    /** @return true on Linux with JNA's native part loaded. */
    public static boolean isAvailable() {
        return LIBC != null;
    }

    /** @return a read-only file descriptor of {@code file}, for {@link #dropFromPageCache}. */
    public static int openForAdvice(final Path file) throws IOException {
        require();
        final int fd = LIBC.open(file.toString(), O_RDONLY);
        if (fd < 0) {
            throw new IOException(
                    "cannot open for page cache advice [file=" + file + ", errno=" + Native.getLastError() + "]");
        }
        return fd;
    }

    /**
     * {@code posix_fadvise(POSIX_FADV_DONTNEED)}: starts the writeback of the dirty pages in {@code [offset, offset +
     * length)} ({@code length} 0: to the end of the file) and frees its clean pages that no process maps.
     */
    public static void dropFromPageCache(final int fd, final long offset, final long length) throws IOException {
        require();
        final int error = LIBC.posix_fadvise(fd, offset, length, FADV_DONTNEED);
        if (error != 0) {
            throw new IOException("posix_fadvise failed [fd=" + fd + ", offset=" + offset + ", length=" + length
                    + ", errno=" + error + "]");
        }
    }

    public static void close(final int fd) {
        if (LIBC != null && fd >= 0) {
            LIBC.close(fd);
        }
    }

    /**
     * Sets the calling thread's nice value (a higher one is a lower priority, always allowed).
     *
     * @return false where that is not possible (not Linux, or refused).
     */
    public static boolean niceCurrentThread(final int nice) {
        return LIBC != null && LIBC.setpriority(PRIO_PROCESS, LIBC.gettid(), nice) == 0;
    }

    /**
     * Sets how late the kernel may wake the calling thread from a timed sleep ({@code prctl(PR_SET_TIMERSLACK)}). The
     * default is 50 us, so a {@code parkNanos(20_000)} sleeps about 70 us; a thread that paces work at tens of
     * microseconds needs a smaller slack to keep its pace.
     *
     * @return false where that is not possible (not Linux, or refused).
     */
    public static boolean setTimerSlackOfCurrentThread(final long slackNs) {
        return LIBC != null && LIBC.prctl(PR_SET_TIMERSLACK, slackNs, 0, 0, 0) == 0;
    }

    private static void require() throws IOException {
        if (LIBC == null) {
            throw new IOException("not available on this platform [os=" + System.getProperty("os.name") + "]");
        }
    }

    private static LibC load() {
        if (!Platform.isLinux()) {
            return null;
        }
        try {
            return Native.load(Platform.C_LIBRARY_NAME, LibC.class);
        } catch (final LinkageError e) {
            // No native part for this platform: the kernel decides.
            return null;
        }
    }
}
