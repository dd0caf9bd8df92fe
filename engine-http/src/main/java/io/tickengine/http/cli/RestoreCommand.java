package io.tickengine.http.cli;

import io.tickengine.core.EngineContext;
import io.tickengine.core.datadir.DataDirLock;
import io.tickengine.core.store.Database;
import io.tickengine.core.store.SchemaMigrator;
import io.tickengine.core.store.Stores;
import io.tickengine.http.backup.BackupException;
import io.tickengine.http.backup.BackupManifest;
import io.tickengine.http.backup.FileTrees;
import io.tickengine.http.backup.StoreCopy;
import io.tickengine.http.server.HttpContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tick-engine restore --from DIR --data-dir D}: puts a backup back. Checks it first as {@code backup verify}
 * does; locks the target data dir; writes the journal under a temporary name and renames it into place once the
 * store is restored (SQLite: the file, through a temporary name; PostgreSQL: one transaction), so a refused or
 * failed restore leaves the target as it was. The engine started on the result replays the journal past the
 * store's checkpoints: the same candles and ticks the backup held.
 */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = {
            "Restore a backup into a new data dir (and database).",
            "A PostgreSQL backup goes into the database of --db-url, whose schema tick-engine db init made; run",
            "restore as the tables' owner, e.g. tick_owner. Refuses a target that holds data unless --force, a",
            "backup that fails its checksums, and one made by a newer schema. Then start the engine on the data",
            "dir: it replays to the state the backup held."
        })
public final class RestoreCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "The backup directory.")
    Path from;

    @Option(names = "--force", description = "Replace what the target data dir (and database) holds.")
    boolean force;

    private final PrintStream out;

    public RestoreCommand() {
        this(System.out);
    }

    RestoreCommand(final PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        final BackupManifest manifest = BackupVerifyCommand.check(from);
        out.println("restore: backup verified [dir=" + from + ", created=" + manifest.get("created") + "]");
        final EngineContext context = config.engineContext();
        final HttpContext http = config.httpContext();
        final Path dataDir = context.dataDir();
        if (!force && !FileTrees.isEmpty(dataDir, DataDirLock.FILE_NAME)) {
            throw new IllegalArgumentException("the target data dir is not empty [dataDir=" + dataDir.toAbsolutePath()
                    + "]: restore into a new dir, or add --force to replace what it holds");
        }
        final String kind = manifest.require("store.kind");
        final boolean postgres = context.dbUrl() != null && context.dbUrl().startsWith("jdbc:postgresql:");
        if (BackupManifest.STORE_POSTGRESQL.equals(kind) != postgres) {
            throw new IllegalArgumentException("the backup holds a " + kind + " store but the target is "
                    + (postgres ? "PostgreSQL" : "SQLite") + ": "
                    + (postgres ? "drop --db-url" : "give --db-url jdbc:postgresql://… of an initialised database"));
        }
        final long startNs = System.nanoTime();
        final DataDirLock lock = DataDirLock.acquire(dataDir, "restore");
        try (lock) {
            final Path journal = context.journalDir();
            final Path journalPartial = dataDir.resolve("journal.restoring");
            try {
                FileTrees.delete(journalPartial);
                FileTrees.copy(from.resolve("journal"), journalPartial);
                try (Database database = Stores.openDatabase(context)) {
                    if (postgres) {
                        final List<String> pending =
                                DbCommand.withDatabase(context, database, () -> SchemaMigrator.pending(database));
                        if (!pending.isEmpty()) {
                            throw new BackupException("the target database's schema is not initialised [pending="
                                    + pending + "]: run tick-engine db init --db-url … first");
                        }
                        StoreCopy.restorePostgres(
                                database, from, manifest, force, line -> out.println("restore: " + line));
                    } else {
                        StoreCopy.restoreSqlite(from, database.sqliteFile());
                        out.println("restore: store restored [file=" + database.sqliteFile() + "]");
                    }
                }
                FileTrees.delete(journal);
                Files.move(journalPartial, journal, StandardCopyOption.ATOMIC_MOVE);
            } catch (final IOException | java.sql.SQLException | RuntimeException e) {
                FileTrees.deleteQuietly(journalPartial, e);
                throw e;
            }
            out.println("restore: journal restored [documents=" + manifest.get("journal.documents") + ", lastIndex="
                    + manifest.get("journal.last.index") + "]");
            final Path keys = from.resolve("keys/api-keys");
            if (Files.exists(keys)) {
                final Path target = dataDir.resolve(RunCommand.KEY_FILE);
                Files.copy(keys, target, StandardCopyOption.REPLACE_EXISTING);
                restrict(target);
                out.println("restore: key digests restored [file=" + target + "]");
            }
            if (Files.exists(from.resolve("keys/api-key-file"))) {
                out.println("restore: the backup also holds the http.api.key.file digests: "
                        + from.resolve("keys/api-key-file") + " (copy it where the engine's configuration points)");
            }
            if (Files.isDirectory(from.resolve("models"))) {
                final Path models = http.predictModelDir(context);
                FileTrees.delete(models);
                FileTrees.copy(from.resolve("models"), models);
                out.println("restore: models restored [dir=" + models + "]");
            }
            if (Files.exists(from.resolve("config/engine.properties"))) {
                out.println("restore: the backup's configuration file is " + from.resolve("config/engine.properties"));
            }
        }
        out.printf(
                "restore: done [dataDir=%s, ms=%d]; start the engine on it: tick-engine run --data-dir %s%n",
                dataDir.toAbsolutePath(), (System.nanoTime() - startNs) / 1_000_000, dataDir);
        return 0;
    }

    private static void restrict(final Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (final UnsupportedOperationException | IOException e) {
            // Not a POSIX file system (Windows): the dir's own permissions protect it.
        }
    }
}
