package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.ChildJvm;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.http.backup.BackupManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups that must be refused, each with a clear message and nothing half-written: a flipped byte, a partial
 * backup, a newer schema or format, a non-empty target, an unwritable dir, a full disk.
 */
class BackupBadInputTest {
    @TempDir
    Path tmp;

    private Path dataDir;
    private Path backup;

    @BeforeEach
    void makeABackup() throws Exception {
        dataDir = tmp.resolve("data");
        backup = tmp.resolve("backup");
        final List<TickFiles.Tick> ticks = TickFiles.ticks("EURUSD_20260713");
        try (HttpFixture engine = new HttpFixture(dataDir, null)) {
            assertEquals(
                    202,
                    engine.post("/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, 0, 500, "ea-1"))
                            .statusCode());
        }
        final ChildJvm.Exited made =
                EngineProcess.run("backup", "--to", backup.toString(), "--data-dir", dataDir.toString());
        assertEquals(0, made.code(), made.output());
        assertTrue(made.output().contains("backup: done"), made.output());
    }

    @Test
    void shouldDetectAFlippedByteAndRefuseToRestoreIt() throws Exception {
        final Path journalFile;
        try (Stream<Path> files = Files.list(backup.resolve("journal"))) {
            journalFile =
                    files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        for (final Path file : List.of(journalFile, backup.resolve("store/tick-engine.db"))) {
            flipByte(file, Files.size(file) / 3);
            final ChildJvm.Exited verified = EngineProcess.run("backup", "verify", backup.toString());
            assertEquals(1, verified.code(), verified.output());
            assertTrue(verified.output().contains("checksum mismatch [file=" + relative(file)), verified.output());
            final Path target = tmp.resolve("restored");
            final ChildJvm.Exited restored =
                    EngineProcess.run("restore", "--from", backup.toString(), "--data-dir", target.toString());
            assertEquals(1, restored.code(), restored.output());
            assertTrue(restored.output().contains("checksum mismatch"), restored.output());
            assertFalse(Files.exists(target), "a refused restore leaves no target behind");
            flipByte(file, Files.size(file) / 3);
        }
        assertEquals(0, EngineProcess.run("backup", "verify", backup.toString()).code());
    }

    @Test
    void shouldRefuseAPartialBackup() throws Exception {
        Files.delete(backup.resolve("store/tick-engine.db"));
        final ChildJvm.Exited verified = EngineProcess.run("backup", "verify", backup.toString());
        assertEquals(1, verified.code(), verified.output());
        assertTrue(verified.output().contains("file missing from the backup [file=store/tick-engine.db]"));
        Files.delete(backup.resolve(BackupManifest.SUMS));
        final ChildJvm.Exited restored = EngineProcess.run(
                "restore",
                "--from",
                backup.toString(),
                "--data-dir",
                tmp.resolve("r").toString());
        assertEquals(1, restored.code(), restored.output());
        assertTrue(restored.output().contains("incomplete backup"), restored.output());
    }

    @Test
    void shouldRefuseABackupOfANewerSchemaOrFormat() throws Exception {
        final Path manifest = backup.resolve(BackupManifest.MANIFEST);
        final String original = Files.readString(manifest);
        Files.writeString(manifest, original + "store.schema.db/init/sqlite/999_future.sql=00\n");
        resum();
        ChildJvm.Exited restored = EngineProcess.run(
                "restore",
                "--from",
                backup.toString(),
                "--data-dir",
                tmp.resolve("r").toString());
        assertEquals(1, restored.code(), restored.output());
        assertTrue(
                restored.output().contains("newer schema than this tick-engine knows [script=db/init/sqlite/999"),
                restored.output());
        Files.writeString(manifest, original.replace("format=1", "format=2"));
        resum();
        restored = EngineProcess.run(
                "restore",
                "--from",
                backup.toString(),
                "--data-dir",
                tmp.resolve("r").toString());
        assertEquals(1, restored.code(), restored.output());
        assertTrue(restored.output().contains("backup made by a newer tick-engine [format=2"), restored.output());
        assertFalse(Files.exists(tmp.resolve("r")));
    }

    @Test
    void shouldRefuseANonEmptyTargetUnlessForced() throws Exception {
        final Path target = tmp.resolve("busy");
        Files.createDirectories(target);
        Files.writeString(target.resolve("something"), "x");
        final ChildJvm.Exited refused =
                EngineProcess.run("restore", "--from", backup.toString(), "--data-dir", target.toString());
        assertEquals(2, refused.code(), refused.output());
        assertTrue(refused.output().contains("the target data dir is not empty"), refused.output());
        assertFalse(Files.exists(target.resolve("journal")));
        final ChildJvm.Exited forced =
                EngineProcess.run("restore", "--from", backup.toString(), "--data-dir", target.toString(), "--force");
        assertEquals(0, forced.code(), forced.output());
        assertTrue(Files.exists(target.resolve("journal/journal.id")));
        assertTrue(Files.exists(target.resolve("tick-engine.db")));
    }

    @Test
    void shouldRefuseAnUnwritableBackupDirAndLeaveNothing() throws Exception {
        final Path notADir = tmp.resolve("plain-file");
        Files.writeString(notADir, "x");
        final ChildJvm.Exited refused =
                EngineProcess.run("backup", "--to", notADir.resolve("b").toString(), "--data-dir", dataDir.toString());
        assertEquals(1, refused.code(), refused.output());
        assertTrue(refused.output().contains("cannot create the backup's parent dir"), refused.output());
        final ChildJvm.Exited notEmpty =
                EngineProcess.run("backup", "--to", backup.toString(), "--data-dir", dataDir.toString());
        assertEquals(2, notEmpty.code(), notEmpty.output());
        assertTrue(notEmpty.output().contains("the backup dir is not empty"), notEmpty.output());
    }

    @Test
    void shouldRefuseABackupToAFullDiskAndLeaveNothing() throws Exception {
        final Path small = tmp.resolve("small");
        Files.createDirectories(small);
        final boolean mounted = mount(small);
        if (!mounted) {
            assertFalse(
                    "true".equals(System.getenv("CI")),
                    "CI runs as root and must be able to mount a small tmpfs for the full-disk test");
            Assumptions.assumeTrue(false, "cannot mount a small tmpfs (not root): full-disk test skipped");
        }
        try {
            final ChildJvm.Exited full = EngineProcess.run(
                    "backup", "--to", small.resolve("b").toString(), "--data-dir", dataDir.toString());
            assertEquals(1, full.code(), full.output());
            assertTrue(full.output().contains("backup failed, nothing written"), full.output());
            assertTrue(
                    full.output().contains("No space left on device")
                            || full.output().contains("disk is full"),
                    full.output());
            try (Stream<Path> left = Files.list(small)) {
                assertEquals(List.of(), left.toList(), "a failed backup leaves nothing");
            }
        } finally {
            new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor();
        }
    }

    private static boolean mount(final Path dir) throws Exception {
        try {
            final Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.toString())
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (final IOException e) {
            return false;
        }
    }

    private String relative(final Path file) {
        return backup.relativize(file).toString();
    }

    /** Rewrites SHA256SUMS after an edit, as a forger (or a newer version) would. */
    private void resum() throws IOException {
        final StringBuilder sums = new StringBuilder();
        try (Stream<Path> files = Files.walk(backup)) {
            for (final Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                if (!f.getFileName().toString().equals(BackupManifest.SUMS)) {
                    sums.append(BackupManifest.sha256(f))
                            .append("  ")
                            .append(relative(f))
                            .append('\n');
                }
            }
        }
        Files.writeString(backup.resolve(BackupManifest.SUMS), sums, StandardCharsets.UTF_8);
    }

    private static void flipByte(final Path file, final long position) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                file, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            final java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            ch.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x01));
            one.rewind();
            ch.write(one, position);
        }
    }
}
