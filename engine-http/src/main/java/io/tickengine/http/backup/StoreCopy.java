package io.tickengine.http.backup;

import io.tickengine.core.store.Database;
import io.tickengine.core.store.SchemaScripts;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The store's half of a backup: a consistent copy of the engine's tables, taken while the engine writes, and its
 * way back.
 *
 * <ul>
 *   <li>SQLite: {@code VACUUM INTO}, one read transaction, so the copy is one point in time however busy the writer
 *       is (the page-stepping backup API starts over whenever another process writes) and never blocks it (WAL).
 *   <li>PostgreSQL: every engine table of the current schema (hypertables read through their parent) with
 *       {@code COPY ... TO STDOUT} in one {@code REPEATABLE READ} transaction: one snapshot across tables, as
 *       {@code pg_dump} would take, without needing a {@code pg_dump} of the server's major version. Restored with
 *       {@code COPY ... FROM STDIN} into a database whose schema {@code db init} made, in one transaction.
 * </ul>
 */
public final class StoreCopy {
    /** The SQLite copy's path in a backup. */
    public static final String SQLITE_FILE = "store/tick-engine.db";

    private static final String TABLES_SQL = "SELECT table_name FROM information_schema.tables"
            + " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'"
            + " ORDER BY table_name";
    private static final String COLUMNS_SQL = "SELECT column_name FROM information_schema.columns"
            + " WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER'"
            + " ORDER BY ordinal_position";

    private StoreCopy() {}

    /**
     * Copies the store into {@code backupDir/store} and records in the manifest what it holds.
     *
     * @param progress told one line per step.
     */
    public static void backup(
            final Database database,
            final Path backupDir,
            final BackupManifest manifest,
            final Consumer<String> progress)
            throws IOException, SQLException {
        final Path storeDir = Files.createDirectories(backupDir.resolve("store"));
        if (database.dialect() == Database.Dialect.SQLITE) {
            final Path copy = backupDir.resolve(SQLITE_FILE);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database.sqliteFile())) {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA busy_timeout=10000");
                }
                try (PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
                    ps.setString(1, copy.toString());
                    ps.execute();
                }
            }
            manifest.put("store.kind", BackupManifest.STORE_SQLITE);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy)) {
                recordSchema(c, manifest);
                manifest.put("store.rows.market_data", Long.toString(count(c, "market_data")));
                manifest.put("store.rows.ticks", Long.toString(count(c, "ticks")));
            }
            progress.accept("store copied [kind=sqlite, bytes=" + Files.size(copy) + "]");
            return;
        }
        manifest.put("store.kind", BackupManifest.STORE_POSTGRESQL);
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                recordSchema(c, manifest);
                final CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                for (final String table : tables(c)) {
                    final List<String> columns = columns(c, table);
                    final long rows;
                    try (OutputStream out =
                            new BufferedOutputStream(Files.newOutputStream(storeDir.resolve(table + ".copy")))) {
                        rows = copy.copyOut(
                                "COPY (SELECT " + String.join(", ", quoted(columns)) + " FROM " + quote(table)
                                        + ") TO STDOUT",
                                out);
                    }
                    manifest.put("store.table." + table, String.join(",", columns));
                    manifest.put("store.rows." + table, Long.toString(rows));
                    progress.accept("store table copied [table=" + table + ", rows=" + rows + "]");
                }
            } finally {
                c.rollback();
                c.setReadOnly(false);
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Checks that this build knows every schema script the backup's store had: a backup of a newer schema is refused.
     */
    public static void requireKnownSchema(final BackupManifest manifest) {
        final List<String> known = new ArrayList<>(SchemaScripts.SQLITE);
        known.addAll(SchemaScripts.POSTGRESQL);
        known.addAll(SchemaScripts.POSTGRESQL_ROLES);
        for (final String script : manifest.withPrefix("store.schema.").keySet()) {
            if (!known.contains(script)) {
                throw new BackupException("backup holds a newer schema than this tick-engine knows [script=" + script
                        + "]: restore it with the tick-engine version that made it ("
                        + manifest.get("tick-engine.version") + ")");
            }
        }
    }

    /** Places the SQLite copy at {@code target} (through a temporary name, so a failure leaves nothing). */
    public static void restoreSqlite(final Path backupDir, final Path target) throws IOException {
        final Path partial = target.resolveSibling(target.getFileName() + ".restoring");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.copy(backupDir.resolve(SQLITE_FILE), partial, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            for (final String suffix : new String[] {"-wal", "-shm", "-journal"}) {
                Files.deleteIfExists(target.resolveSibling(target.getFileName() + suffix));
            }
            Files.move(partial, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * Loads a PostgreSQL backup into {@code database}, whose schema must be in place ({@code db init}), in one
     * transaction: all of it or nothing.
     *
     * @param force empty the engine tables first; without it, a table holding rows refuses the restore.
     */
    public static void restorePostgres(
            final Database database,
            final Path backupDir,
            final BackupManifest manifest,
            final boolean force,
            final Consumer<String> progress)
            throws IOException, SQLException {
        final Map<String, String> tables = manifest.withPrefix("store.table.");
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                final List<String> present = tables(c);
                for (final String table : tables.keySet()) {
                    if (!present.contains(table)) {
                        throw new BackupException("the target database lacks a table the backup holds [table=" + table
                                + "]: run tick-engine db init on it first");
                    }
                }
                for (final String table : present) {
                    if (count(c, table) > 0) {
                        if (!force) {
                            throw new BackupException("the target database already holds data [table=" + table
                                    + "]: restore into an empty database, or add --force to replace it");
                        }
                    }
                }
                if (force && !present.isEmpty()) {
                    try (Statement s = c.createStatement()) {
                        s.execute("TRUNCATE " + String.join(", ", quoted(present)));
                    }
                }
                final CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                for (final Map.Entry<String, String> e : tables.entrySet()) {
                    final String table = e.getKey();
                    final List<String> columns = List.of(e.getValue().split(","));
                    final long rows;
                    try (InputStream in = new BufferedInputStream(
                            Files.newInputStream(backupDir.resolve("store").resolve(table + ".copy")))) {
                        rows = copy.copyIn(
                                "COPY " + quote(table) + " (" + String.join(", ", quoted(columns)) + ") FROM STDIN",
                                in);
                    }
                    progress.accept("store table restored [table=" + table + ", rows=" + rows + "]");
                    resetSequences(c, table);
                }
                c.commit();
            } catch (final IOException | SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Moves each serial column's sequence past the restored ids, so the next insert does not collide. */
    private static void resetSequences(final Connection c, final String table) throws SQLException {
        final List<String> serial = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND table_name = ?"
                + " AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    serial.add(rs.getString(1));
                }
            }
        }
        for (final String column : serial) {
            try (PreparedStatement ps = c.prepareStatement("SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX("
                    + quote(column) + "), 0) + 1, false) FROM " + quote(table))) {
                ps.setString(1, table);
                ps.setString(2, column);
                ps.execute();
            }
        }
    }

    private static void recordSchema(final Connection c, final BackupManifest manifest) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT script, sha256 FROM schema_version ORDER BY script")) {
            while (rs.next()) {
                manifest.put("store.schema." + rs.getString(1), rs.getString(2));
            }
        }
    }

    private static List<String> tables(final Connection c) throws SQLException {
        final List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(TABLES_SQL)) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private static List<String> columns(final Connection c, final String table) throws SQLException {
        final List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS_SQL)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    /** @return the rows of a table. */
    static long count(final Connection c, final String table) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + quote(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> quoted(final List<String> names) {
        return names.stream().map(StoreCopy::quote).toList();
    }

    private static String quote(final String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
