package io.tickengine.core.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directories that test support creates outside JUnit's {@code @TempDir} and must delete itself. */
public final class Dirs {
    private Dirs() {}

    /** Deletes {@code dir} and everything under it; nothing when it does not exist. */
    public static void deleteRecursively(final Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot delete the directory [dir=" + dir + "]", e);
        }
    }
}
