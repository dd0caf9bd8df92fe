package io.tickengine.http.mql5;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A terminal's {@code MQL5/Files} folder on a real temp dir, with the MQL5 file calls the EAs use: names use
 * {@code /} where MQL5 writes {@code \\}. {@link #failWrites} makes {@code FileOpen} for writing fail (a full or
 * read-only disk), {@link #deleteAll} is a user deleting the folder under a running EA.
 */
final class Mt5Files {
    private final Path root;
    /** Names whose FileOpen for writing fails. */
    Predicate<String> failWrites = name -> false;
    /** Files opened for reading so far. */
    int opens;

    Mt5Files(final Path root) {
        this.root = root;
    }

    /** {@code TeWriteFileAtomic}: FolderCreate, FileOpen(name.tmp), FileWriteString, FileMove(FILE_REWRITE). */
    boolean writeAtomic(final String name, final String text) {
        if (failWrites.test(name)) {
            return false;
        }
        try {
            final Path file = root.resolve(name);
            Files.createDirectories(file.getParent());
            final Path tmp = root.resolve(name + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (final IOException e) {
            return false;
        }
    }

    /** FileOpen(FILE_READ|FILE_WRITE), FileSeek to the end, FileWriteString(line + "\n"). */
    boolean append(final String name, final String line) {
        if (failWrites.test(name)) {
            return false;
        }
        try {
            final Path file = root.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(
                    file,
                    line + "\n",
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            return true;
        } catch (final IOException e) {
            return false;
        }
    }

    boolean exists(final String name) {
        return Files.isRegularFile(root.resolve(name));
    }

    /** @return the file's lines (FileReadString in FILE_TXT mode, one call each), or null if it cannot be opened. */
    List<String> readLines(final String name) {
        opens++;
        try {
            return Files.readAllLines(root.resolve(name), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            return null;
        }
    }

    void delete(final String name) {
        try {
            Files.deleteIfExists(root.resolve(name));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** FileFindFirst/FileFindNext over {@code folder/*suffix}: file names only, in no particular order. */
    List<String> list(final String folder, final String suffix) {
        final Path dir = root.resolve(folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            final List<String> names = new ArrayList<>();
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(suffix))
                    .forEach(names::add);
            java.util.Collections.shuffle(names, new java.util.Random(names.size()));
            return names;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The user deletes {@code MQL5/Files/TickEngine} (or the whole Files folder). */
    void deleteAll() {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(root)) {
                    Files.delete(p);
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
