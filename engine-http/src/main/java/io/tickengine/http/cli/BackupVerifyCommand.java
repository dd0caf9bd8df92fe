package io.tickengine.http.cli;

import io.tickengine.http.backup.BackupException;
import io.tickengine.http.backup.BackupManifest;
import io.tickengine.http.backup.JournalCopy;
import io.tickengine.http.backup.StoreCopy;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tick-engine backup verify DIR}: checks a backup without restoring it: every file against its SHA-256, no
 * file missing or extra, a format and schema this version can restore, the journal readable to the index the
 * manifest names, the SQLite copy passing {@code PRAGMA integrity_check}.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Check a backup: checksums, manifest, journal range, SQLite integrity.",
            "Exit 0 when it can be restored, 1 with the reason otherwise."
        })
public final class BackupVerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The backup directory.")
    Path dir;

    private final PrintStream out;

    public BackupVerifyCommand() {
        this(System.out);
    }

    BackupVerifyCommand(final PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        final BackupManifest manifest = check(dir);
        out.printf(
                "backup verify: ok [dir=%s, version=%s, created=%s, store=%s, journal=%s..%s, documents=%s]%n",
                dir,
                manifest.get("tick-engine.version"),
                manifest.get("created"),
                manifest.get("store.kind"),
                manifest.get("journal.first.index"),
                manifest.get("journal.last.index"),
                manifest.get("journal.documents"));
        return 0;
    }

    /**
     * Everything {@code verify} checks; restore runs it first.
     *
     * @return the manifest.
     * @throws BackupException with the first fault.
     */
    static BackupManifest check(final Path dir) throws Exception {
        final BackupManifest manifest = BackupManifest.verify(dir);
        StoreCopy.requireKnownSchema(manifest);
        final JournalCopy.Range range =
                JournalCopy.scan(dir.resolve("journal"), manifest.require("journal.roll.cycle"));
        if (range.documents() != manifest.requireLong("journal.documents")
                || range.lastIndex() != manifest.requireLong("journal.last.index")) {
            throw new BackupException("journal copy differs from the manifest [documents=" + range.documents()
                    + ", lastIndex=" + range.lastIndex() + ", manifest=" + manifest.get("journal.documents") + "/"
                    + manifest.get("journal.last.index") + "]");
        }
        final String kind = manifest.require("store.kind");
        if (BackupManifest.STORE_SQLITE.equals(kind)) {
            final Path db = dir.resolve(StoreCopy.SQLITE_FILE);
            final org.sqlite.SQLiteConfig ro = new org.sqlite.SQLiteConfig();
            ro.setReadOnly(true);
            try (java.sql.Connection c = ro.createConnection("jdbc:sqlite:" + db);
                    java.sql.Statement s = c.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                final String result = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equals(result)) {
                    throw new BackupException("the SQLite copy is damaged [file=" + db + ", check=" + result + "]");
                }
            }
        } else if (!BackupManifest.STORE_POSTGRESQL.equals(kind)) {
            throw new BackupException("unknown store kind in the manifest [kind=" + kind + "]");
        } else if (!Files.isDirectory(dir.resolve("store"))) {
            throw new BackupException("the PostgreSQL tables are missing [dir=" + dir.resolve("store") + "]");
        }
        return manifest;
    }
}
