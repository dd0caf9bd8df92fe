package io.tickengine.core.datadir;

import java.nio.file.Path;

/** Another process (or another owner in this JVM) holds the data dir: see {@link DataDirLock}. */
public final class DataDirInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final String DEFAULT_HINT = "stop that process first";

    private final transient Path dir;
    private final String pid;
    private final String command;

    DataDirInUseException(final Path dir, final String pid, final String command, final String hint) {
        super("data dir is in use [dir=" + dir + ", pid=" + pid + ", command=" + command + "]; "
                + (hint == null ? DEFAULT_HINT : hint));
        this.dir = dir;
        this.pid = pid;
        this.command = command;
    }

    /** @return the same refusal with another hint after the {@code [dir, pid, command]} part. */
    public DataDirInUseException withHint(final String hint) {
        return new DataDirInUseException(dir, pid, command, hint);
    }

    /** @return the data dir, as a real path. */
    public Path dir() {
        return dir;
    }

    /** @return the holder's process id, or {@code unknown}. */
    public String pid() {
        return pid;
    }

    /** @return what the holder runs ({@code run}, {@code import}, {@code replay}), or {@code unknown}. */
    public String command() {
        return command;
    }
}
