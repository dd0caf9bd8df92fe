package io.tickengine.core.datadir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One owner per data dir: an OS file lock on {@code <data dir>/.lock}, taken by every process that writes the
 * journal and the store ({@code run}, {@code import}, {@code replay}) and held until {@link #close()} or the end of
 * the process; the OS drops it with the process, after {@code kill -9} too. The file names the owner (pid and
 * command) for the message a second process gets. Readers of the store need no lock.
 *
 * <p>The lock covers one byte past the owner's line, so that the line stays readable where locks are mandatory
 * (Windows). Within one JVM the dirs held are also kept in a set: POSIX drops every lock a process holds on a file
 * when any of its descriptors of that file is closed, so a second attempt from this JVM must not open the file.
 */
public final class DataDirLock implements AutoCloseable {
    /** The lock file's name in the data dir. */
    public static final String FILE_NAME = ".lock";

    private static final int OWNER_MAX_BYTES = 4096;
    private static final Map<Path, String> HELD_BY_THIS_JVM = new ConcurrentHashMap<>();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private DataDirLock(final Path dir, final FileChannel channel, final FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the data dir for this process, creating the dir if missing. Does not wait.
     *
     * @param command what this process is, for the message another process gets (e.g. {@code run}).
     * @throws DataDirInUseException if another process, or another owner in this JVM, holds it.
     * @throws UncheckedIOException if the dir or its lock file cannot be created.
     */
    public static DataDirLock acquire(final Path dataDir, final String command) {
        final Path dir;
        try {
            Files.createDirectories(dataDir);
            dir = dataDir.toRealPath();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create the data dir [dir=" + dataDir + "]", e);
        }
        final long pid = ProcessHandle.current().pid();
        final String owner = "pid=" + pid + "\ncommand=" + command + "\n";
        final String heldBy = HELD_BY_THIS_JVM.putIfAbsent(dir, owner);
        if (heldBy != null) {
            throw inUse(dir, heldBy);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(
                    dir.resolve(FILE_NAME),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            final FileLock lock = channel.tryLock(OWNER_MAX_BYTES, 1, false);
            if (lock == null) {
                throw inUse(dir, readOwner(channel));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)), 0);
            return new DataDirLock(dir, channel, lock);
        } catch (final IOException | RuntimeException e) {
            HELD_BY_THIS_JVM.remove(dir);
            closeQuietly(channel, e);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot lock the data dir [dir=" + dir + ", cause=" + e + "]", io);
            }
            throw (RuntimeException) e;
        }
    }

    /** @return the data dir held, as a real path. */
    public Path dir() {
        return dir;
    }

    /** Releases the data dir. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
            channel.close();
        } catch (final IOException e) {
            // The lock goes with the descriptor, and the descriptor with the process: nothing is left held.
        } finally {
            HELD_BY_THIS_JVM.remove(dir);
        }
    }

    private static String readOwner(final FileChannel channel) throws IOException {
        final ByteBuffer buffer = ByteBuffer.allocate(OWNER_MAX_BYTES);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // Read what the owner wrote.
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    private static DataDirInUseException inUse(final Path dir, final String owner) {
        return new DataDirInUseException(dir, field(owner, "pid"), field(owner, "command"), null);
    }

    private static String field(final String owner, final String key) {
        for (final String line : owner.split("\n")) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1).trim();
            }
        }
        // Between the owner's lock and its write, or a file from an older version.
        return "unknown";
    }

    private static void closeQuietly(final FileChannel channel, final Exception failure) {
        if (channel != null) {
            try {
                channel.close();
            } catch (final IOException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
