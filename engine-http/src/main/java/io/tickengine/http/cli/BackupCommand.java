package io.tickengine.http.cli;

import io.tickengine.core.EngineContext;
import io.tickengine.core.journal.JournalLayout;
import io.tickengine.core.store.Database;
import io.tickengine.core.store.Stores;
import io.tickengine.http.TickEngineMain;
import io.tickengine.http.backup.BackupException;
import io.tickengine.http.backup.BackupManifest;
import io.tickengine.http.backup.FileTrees;
import io.tickengine.http.backup.JournalCopy;
import io.tickengine.http.backup.StoreCopy;
import io.tickengine.http.server.HttpContext;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tick-engine backup --to DIR}: a consistent copy of a data dir while the engine runs on it. Reads beside the
 * engine, never through it: the store first (one snapshot), then the journal up to its end (read-only, document by
 * document, at the same indexes), so the journal copy holds everything the store's checkpoints refer to and a
 * restored engine replays the rest. {@code --url} asks the running engine for its last journaled index first and
 * refuses a copy that ends before it: every tick acknowledged before the backup started is in it.
 */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = {
            "Back up a data dir while the engine runs.",
            "Copies the journal, the store (SQLite copy or PostgreSQL tables), the key digests, the --config file",
            "and the models, with a manifest and SHA-256 checksums. DIR must not exist or be empty; the backup is",
            "written beside it and renamed into place when complete, so a failed backup (full disk, unwritable",
            "dir) leaves nothing. The engine is not affected. Check a backup with: tick-engine backup verify DIR"
        },
        subcommands = BackupVerifyCommand.class)
public final class BackupCommand implements Callable<Integer> {
    private static final Pattern JOURNAL_LAST_INDEX = Pattern.compile("\"journal\":\\{[^}]*\"lastIndex\":(-?\\d+)");

    @Mixin
    ConfigOptions config;

    @Option(names = "--to", paramLabel = "DIR", description = "Where the backup goes (a new or empty directory).")
    Path to;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "The running engine (e.g. http://127.0.0.1:18001): its GET /health tells the last "
                    + "journaled index, which the backup must reach.")
    URI url;

    private final PrintStream out;

    public BackupCommand() {
        this(System.out);
    }

    BackupCommand(final PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (to == null) {
            throw new IllegalArgumentException("missing --to DIR (or: tick-engine backup verify DIR)");
        }
        final EngineContext context = config.engineContext();
        final HttpContext http = config.httpContext();
        final Path dataDir = context.dataDir();
        if (!Files.isDirectory(context.journalDir())) {
            throw new IllegalArgumentException("no engine journal in the data dir [dataDir=" + dataDir.toAbsolutePath()
                    + "]: give the engine's --data-dir");
        }
        final Path target = to.toAbsolutePath().normalize();
        if (!FileTrees.isEmpty(target)) {
            throw new IllegalArgumentException("the backup dir is not empty [dir=" + target + "]: give a new one");
        }
        final Path parent = target.getParent();
        try {
            Files.createDirectories(parent);
        } catch (final IOException e) {
            throw new BackupException("cannot create the backup's parent dir [dir=" + parent + ", cause=" + e + "]", e);
        }
        if (!Files.isWritable(parent)) {
            throw new BackupException("the backup dir is not writable [dir=" + parent + "]");
        }
        final long startNs = System.nanoTime();
        final BackupManifest manifest = BackupManifest.create()
                .put("tick-engine.version", TickEngineMain.VERSION)
                .put("java.version", System.getProperty("java.version"))
                .put("created", Instant.now().toString())
                .put("data.dir", dataDir.toAbsolutePath().toString())
                .put("journal.roll.cycle", context.journalRollCycle());
        final long engineLastIndex = url == null ? Long.MIN_VALUE : engineLastIndex(manifest);
        final Path partial = parent.resolve("." + target.getFileName() + ".partial-"
                + ProcessHandle.current().pid());
        try {
            FileTrees.delete(partial);
            Files.createDirectories(partial);
            try (Database database = Stores.openDatabase(context)) {
                StoreCopy.backup(database, partial, manifest, line -> out.println("backup: " + line));
            }
            final JournalCopy.Range range = JournalCopy.copy(
                    context.journalDir(),
                    partial.resolve("journal"),
                    context.journalRollCycle(),
                    documents -> out.printf("backup: journal %,d documents copied%n", documents));
            // The copy's range is in documents (Chronicle indices); the engine's index names a record within one.
            final long engineLastDocument = engineLastIndex < 0
                    ? engineLastIndex
                    : JournalLayout.read(context.journalDir()).documentIndex(engineLastIndex);
            if (range.lastIndex() < engineLastDocument) {
                throw new BackupException("the journal copy ends before the engine's last journaled index [copied="
                        + range.lastIndex() + ", engine=" + engineLastIndex + "]: is --data-dir the engine's?");
            }
            manifest.put("journal.roll.cycle", range.rollCycle())
                    .put("journal.first.index", Long.toString(range.firstIndex()))
                    .put("journal.last.index", Long.toString(range.lastIndex()))
                    .put("journal.documents", Long.toString(range.documents()));
            copyIfPresent(dataDir.resolve(RunCommand.KEY_FILE), partial.resolve("keys/api-keys"), manifest);
            if (http.apiKeyFile() != null) {
                copyIfPresent(http.apiKeyFile(), partial.resolve("keys/api-key-file"), manifest);
            }
            if (config.config != null) {
                copyIfPresent(config.config, partial.resolve("config/engine.properties"), manifest);
            }
            copyIfPresent(http.predictModelDir(context), partial.resolve("models"), manifest);
            manifest.writeTo(partial);
            Files.deleteIfExists(target);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (final IOException | java.sql.SQLException | RuntimeException e) {
            FileTrees.deleteQuietly(partial, e);
            if (e instanceof BackupException) {
                throw e;
            }
            throw new BackupException(
                    "backup failed, nothing written [dir=" + target + ", cause=" + e + "]; the engine is not affected",
                    e);
        }
        out.printf(
                "backup: done [dir=%s, store=%s, journal=%s..%s, documents=%s, ms=%d]%n",
                target,
                manifest.get("store.kind"),
                manifest.get("journal.first.index"),
                manifest.get("journal.last.index"),
                manifest.get("journal.documents"),
                (System.nanoTime() - startNs) / 1_000_000);
        return 0;
    }

    /** Asks the engine at {@code --url} for its last journaled index, and records what it said. */
    private long engineLastIndex(final BackupManifest manifest) {
        final HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        final HttpResponse<String> response;
        try {
            response = client.send(
                    HttpRequest.newBuilder(url.resolve("/health"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            throw new BackupException("cannot reach the engine [url=" + url + ", cause=" + e + "]", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException("interrupted while asking the engine [url=" + url + "]", e);
        }
        final Matcher m = JOURNAL_LAST_INDEX.matcher(response.body());
        if (!m.find()) {
            throw new BackupException("the engine's /health has no journal index [url=" + url + ", status="
                    + response.statusCode() + "]");
        }
        final long lastIndex = Long.parseLong(m.group(1));
        manifest.put("engine.url", url.toString()).put("engine.journal.last.index", Long.toString(lastIndex));
        out.println("backup: engine at " + url + " has journaled up to index " + lastIndex + " [health="
                + response.statusCode() + "]");
        return lastIndex;
    }

    private void copyIfPresent(final Path source, final Path target, final BackupManifest manifest) throws IOException {
        if (source != null && Files.exists(source)) {
            FileTrees.copy(source, target);
            out.println("backup: copied " + source);
        }
    }
}
