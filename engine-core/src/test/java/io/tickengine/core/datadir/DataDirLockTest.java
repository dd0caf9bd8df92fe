package io.tickengine.core.datadir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.ChildJvm;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One owner per data dir, within this JVM and against a second, real JVM killed with SIGKILL. */
class DataDirLockTest {
    @TempDir
    Path tmp;

    @Test
    void shouldRefuseASecondOwnerInThisJvmNamingDirPidAndCommandThenAllowItAfterClose() throws Exception {
        final Path dataDir = tmp.resolve("data");
        final String ownPid = Long.toString(ProcessHandle.current().pid());
        try (DataDirLock lock = DataDirLock.acquire(dataDir, "run")) {
            final DataDirInUseException refused =
                    assertThrows(DataDirInUseException.class, () -> DataDirLock.acquire(dataDir, "import"));
            assertEquals(ownPid, refused.pid());
            assertEquals("run", refused.command());
            assertEquals(lock.dir(), refused.dir());
            assertEquals(
                    "data dir is in use [dir=" + lock.dir() + ", pid=" + ownPid + ", command=run]; "
                            + "stop that process first",
                    refused.getMessage());
            // The refused attempt must not have dropped the holder's OS lock (POSIX drops it on any close).
            assertThrows(DataDirInUseException.class, () -> DataDirLock.acquire(dataDir, "replay"));
        }
        try (DataDirLock again = DataDirLock.acquire(dataDir, "replay")) {
            assertEquals(dataDir.toRealPath(), again.dir());
        }
    }

    @Test
    void shouldRefuseWhileAnotherJvmHoldsTheDirAndTakeItAfterThatJvmIsKilled() throws Exception {
        final Path dataDir = tmp.resolve("data");
        final List<String> command = ChildJvm.javaCommand("64m");
        command.addAll(List.of(DataDirLockHolder.class.getName(), dataDir.toString(), "run"));
        try (ChildJvm holder = ChildJvm.start(command, Map.of(), DataDirLockHolder.HELD)) {
            final DataDirInUseException refused =
                    assertThrows(DataDirInUseException.class, () -> DataDirLock.acquire(dataDir, "import"));
            assertEquals(Long.toString(holder.pid()), refused.pid(), refused.getMessage());
            assertEquals("run", refused.command());
            assertTrue(refused.getMessage().contains("dir=" + dataDir.toRealPath()), refused.getMessage());
            // A refused attempt from this JVM closed its descriptor: the other JVM's lock must hold regardless.
            assertThrows(DataDirInUseException.class, () -> DataDirLock.acquire(dataDir, "import"));

            holder.kill();
        }
        try (DataDirLock lock = DataDirLock.acquire(dataDir, "run")) {
            assertEquals(dataDir.toRealPath(), lock.dir(), "the OS dropped the killed JVM's lock");
        }
    }
}
