package io.tickengine.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tickengine.core.journal.JournalException;
import io.tickengine.core.testsupport.SyntheticTicks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leak checks (QuestDB's {@code assertMemoryLeak} in spirit): after {@link TickEngine#close()} the engine's threads
 * are gone, and no file descriptor or memory mapping of this process still points into its data directory.
 *
 * <p>Files are checked through {@code /proc/self/fd} and {@code /proc/self/maps}, because on Linux an open file can
 * be deleted, so a successful delete proves nothing. Chronicle unmaps closed queue files on its JVM-wide background
 * releaser thread; the test drains that thread's queue first, which releases only what the engine has closed.
 */
class TickEngineLeakTest {
    private static final Set<String> ENGINE_THREADS = Set.of(
            "tick-journal-sync",
            "tick-aggregator",
            "tick-writer",
            "tick-store-writer",
            "bar-rebuilder",
            "journal-retention");
    private static final long THREAD_END_TIMEOUT_MS = 10_000;
    private static final long T0 = Instant.parse("2026-07-13T10:00:00Z").toEpochMilli();

    @TempDir
    Path dataDir;

    @BeforeEach
    void requireProcfs() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc to see open files");
        BackgroundResourceReleaser.releasePendingResources();
    }

    @Test
    void shouldLeaveNoEngineThreadOpenFileOrMappingBehindAfterClose() throws Exception {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        final TickEngine engine = TickEngine.start(context());
        final List<Thread> engineThreads;
        try {
            new SyntheticTicks(engine)
                    .tick("EURUSD", T0 + 1_000, 1.5, 1.75)
                    .tick("EURUSD", T0 + 61_000, 1.25, 1.5)
                    .publish();
            engineThreads = newEngineThreads(before);
            assertEquals(ENGINE_THREADS, names(engineThreads), "the engine's threads, while it runs");
            assertFalse(openFilesUnder(dataDir).isEmpty(), "journal and store are open while it runs");
        } finally {
            engine.close();
        }

        assertThreadsEnded(engineThreads);
        assertNothingOpenUnder(dataDir);
        engine.close(); // idempotent: nothing to do, nothing thrown
        deleteTree(dataDir);
        assertFalse(Files.exists(dataDir));
    }

    @Test
    void shouldNotAccumulateThreadsOrOpenFilesOverRepeatedStartAndClose() throws Exception {
        for (int run = 0; run < 3; run++) {
            final Set<Thread> before = Thread.getAllStackTraces().keySet();
            final List<Thread> engineThreads;
            try (TickEngine engine = TickEngine.start(context())) {
                new SyntheticTicks(engine).tick("EURUSD", T0 + run, 1.5, 1.75).publish();
                engineThreads = newEngineThreads(before);
            }
            assertThreadsEnded(engineThreads);
            assertNothingOpenUnder(dataDir);
        }
        assertTrue(
                Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> ENGINE_THREADS.contains(t.getName()) && t.isAlive()),
                "no engine thread of any run is left");
    }

    @Test
    void shouldCloseTheStoreWhenTheJournalCannotBeOpened() throws Exception {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        // A plain file where the journal directory should be: the store opens, then the journal cannot.
        Files.writeString(dataDir.resolve("journal"), "not a directory");
        final EngineContext context = context();
        assertThrows(JournalException.class, () -> TickEngine.start(context));
        assertTrue(newEngineThreads(before).isEmpty(), "no engine thread was started");
        assertTrue(Files.exists(dataDir.resolve("tick-engine.db")), "the store was opened before the journal");
        assertNothingOpenUnder(dataDir);
    }

    private EngineContext context() {
        return new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("ring.size", "1024")
                .set("ring.max.batch", "64")
                .set("writer.flush.interval.ms", "20")
                .set("writer.ring.bytes", "65536")
                // Every thread the engine can have: the syncer only runs with journal.sync.
                .set("journal.sync", "true");
    }

    private static List<Thread> newEngineThreads(final Set<Thread> before) {
        final List<Thread> threads = new ArrayList<>();
        for (final Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t) && ENGINE_THREADS.contains(t.getName())) {
                threads.add(t);
            }
        }
        return threads;
    }

    private static Set<String> names(final List<Thread> threads) {
        return threads.stream().map(Thread::getName).collect(Collectors.toSet());
    }

    /** Waits (bounded) for each thread to end: the ring's handler threads finish just after {@code close} halts them. */
    private static void assertThreadsEnded(final List<Thread> threads) throws InterruptedException {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(THREAD_END_TIMEOUT_MS);
        for (final Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
            assertFalse(t.isAlive(), t.getName() + " still alive after close:\n" + stack(t));
        }
    }

    private static void assertNothingOpenUnder(final Path dir) throws IOException {
        // Chronicle hands closed mappings to its background releaser; drain it so only real leaks remain.
        BackgroundResourceReleaser.releasePendingResources();
        assertEquals(List.of(), openFilesUnder(dir), "file descriptors into " + dir);
        assertEquals(List.of(), mappingsUnder(dir), "memory mappings of files in " + dir);
    }

    private static List<String> openFilesUnder(final Path dir) throws IOException {
        final String prefix = dir.toRealPath().toString();
        final List<String> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (final Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    final String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix)) {
                        open.add(target);
                    }
                } catch (final IOException e) {
                    // The descriptor was closed while listing (e.g. the one used to list the directory).
                }
            }
        }
        return open;
    }

    private static List<String> mappingsUnder(final Path dir) throws IOException {
        final String prefix = dir.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(line -> line.contains(prefix))
                .toList();
    }

    private static void deleteTree(final Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String stack(final Thread t) {
        final StringBuilder sb = new StringBuilder();
        for (final StackTraceElement e : t.getStackTrace()) {
            sb.append("  at ").append(e).append('\n');
        }
        return sb.toString();
    }
}
