package io.tickengine.http.backup;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/** Copying and deleting directory trees, for backup and restore. */
public final class FileTrees {
    private FileTrees() {}

    /** Copies {@code source} (a file or a tree) to {@code target}. */
    public static void copy(final Path source, final Path target) throws IOException {
        if (Files.isRegularFile(source)) {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(final Path dir, final BasicFileAttributes attrs)
                    throws IOException {
                Files.createDirectories(target.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException {
                Files.copy(
                        file, target.resolve(source.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a file or a tree, if there. */
    public static void delete(final Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (final Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Deletes a tree after a failure, adding a failure to delete to {@code failure}. */
    public static void deleteQuietly(final Path path, final Throwable failure) {
        try {
            delete(path);
        } catch (final IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** @return true if {@code dir} is missing or holds nothing but the names given. */
    public static boolean isEmpty(final Path dir, final String... ignored) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString())
                    .allMatch(name -> java.util.Arrays.asList(ignored).contains(name));
        }
    }
}
