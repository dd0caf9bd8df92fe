package io.tickengine.bench.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What every JMH fork needs: the parent POM's {@code chronicle.jvm.flags}, Chronicle analytics off, a fixed heap
 * ({@link #FORK_ARGS}, added to every fork by {@link JmhRunner}). Also scratch directories for journals.
 */
final class BenchJvm {
    static final String HEAP = "-Xmx2g";
    static final String HEAP_MIN = "-Xms2g";
    static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    static final String NO_ANNOUNCER = "-Dchronicle.announcer.disable=true";
    static final String E1 = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    static final String E2 = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    static final String E3 = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String E4 = "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED";
    static final String E5 = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
    static final String O1 = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    static final String O2 = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    static final String O3 = "--add-opens=java.base/java.io=ALL-UNNAMED";
    static final String O4 = "--add-opens=java.base/java.util=ALL-UNNAMED";
    static final String O5 = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String O6 = "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED";

    /** Appended to every fork's command line, before the user's own {@code -jvmArgsAppend}. */
    static final String[] FORK_ARGS = {
        HEAP, HEAP_MIN, NO_ANALYTICS, NO_ANNOUNCER, E1, E2, E3, E4, E5, O1, O2, O3, O4, O5, O6
    };

    private BenchJvm() {}

    /** A fresh directory for a journal: on tmpfs when there is one, so disk speed does not blur a CPU comparison. */
    static Path scratchDir(final String prefix) {
        try {
            final Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, prefix)
                    : Files.createTempDirectory(prefix);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(final Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The real tick files, or {@code null} when not found (then benchmarks use generated ticks). */
    static Path tickDir() {
        for (final String candidate : new String[] {
            System.getProperty("tick.data.dir", ""),
            "../shared/data/ticks",
            "../../shared/data/ticks",
            "../../../shared/data/ticks",
            "/work/shared/data/ticks"
        }) {
            if (!candidate.isEmpty() && Files.isDirectory(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }
}
