package io.tickengine.core.datadir;

import java.nio.file.Path;

/** Holds a data dir in a child JVM until killed: {@code DataDirLockHolder DIR COMMAND}. */
public final class DataDirLockHolder {
    /** Printed, followed by the pid, once the dir is held. */
    public static final String HELD = "held: pid=";

    private DataDirLockHolder() {}

    public static void main(final String[] args) throws InterruptedException {
        final DataDirLock lock = DataDirLock.acquire(Path.of(args[0]), args[1]);
        System.out.println(HELD + ProcessHandle.current().pid() + " dir=" + lock.dir());
        System.out.flush();
        // Until killed: the test checks that the OS drops the lock with the process.
        Thread.sleep(Long.MAX_VALUE);
    }
}
