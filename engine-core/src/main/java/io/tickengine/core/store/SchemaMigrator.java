package io.tickengine.core.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@code db/init} scripts of a dialect in order, each in its own transaction, and records each one
 * (name and SHA-256) in {@code schema_version}. A script already recorded with the same digest is not run again,
 * so once the schema is up to date starting the engine runs no DDL at all: it can run as a role without any
 * (PostgreSQL {@code mt5_app}). A changed script runs again (every script is idempotent).
 */
public final class SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    private static final Pattern ADD_COLUMN =
            Pattern.compile("(?is)ALTER\\s+TABLE\\s+(\\w+)\\s+ADD\\s+COLUMN\\s+(\\w+)\\b.*");

    private SchemaMigrator() {}

    /** @return the scripts of the database's dialect, in order. */
    public static List<String> scripts(final Database database) {
        return database.dialect() == Database.Dialect.POSTGRESQL ? SchemaScripts.POSTGRESQL : SchemaScripts.SQLITE;
    }

    /**
     * @return the scripts that are not recorded, or recorded with another digest (nothing to do when empty).
     */
    public static List<String> pending(final Database database) throws SQLException {
        return pending(database, scripts(database));
    }

    private static List<String> pending(final Database database, final List<String> scripts) throws SQLException {
        try (Connection c = database.connect()) {
            final Map<String, String> applied = applied(c);
            return scripts.stream()
                    .filter(script -> !digest(SchemaScripts.read(script)).equals(applied.get(script)))
                    .toList();
        }
    }

    /**
     * Applies the dialect's pending scripts (what the engine does at start).
     *
     * @return the scripts applied.
     */
    public static List<String> migrate(final Database database) throws SQLException {
        return apply(database, pending(database));
    }

    /**
     * What {@code tick-engine db init} does: the pending scripts, then (PostgreSQL) the roles and grants, always.
     *
     * @return the scripts applied.
     */
    public static List<String> init(final Database database) throws SQLException {
        final List<String> applied = new java.util.ArrayList<>(migrate(database));
        if (database.dialect() == Database.Dialect.POSTGRESQL) {
            applied.addAll(apply(database, SchemaScripts.POSTGRESQL_ROLES));
        }
        return applied;
    }

    private static List<String> apply(final Database database, final List<String> pending) throws SQLException {
        if (pending.isEmpty()) {
            return pending;
        }
        try (Connection c = database.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (script TEXT PRIMARY KEY, sha256 TEXT NOT NULL, "
                        + "applied_at TEXT NOT NULL)");
            }
            for (final String script : pending) {
                apply(database, c, script);
            }
        }
        return pending;
    }

    private static void apply(final Database database, final Connection c, final String script) throws SQLException {
        final String text = SchemaScripts.read(script);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            if (database.dialect() == Database.Dialect.POSTGRESQL) {
                // The simple query protocol runs a whole script, DO blocks included, in one call.
                s.execute(text);
            } else {
                for (final String statement : SchemaScripts.statements(text)) {
                    if (!addsExistingColumn(c, statement)) {
                        s.execute(statement);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO schema_version (script, sha256, applied_at) VALUES (?, ?, ?) "
                            + "ON CONFLICT (script) DO UPDATE SET sha256 = excluded.sha256, applied_at = excluded.applied_at")) {
                ps.setString(1, script);
                ps.setString(2, digest(text));
                ps.setString(3, java.time.Instant.now().toString());
                ps.executeUpdate();
            }
            c.commit();
            LOG.info("schema script applied [script={}, store={}]", script, database.describe());
        } catch (final SQLException e) {
            c.rollback();
            throw new SQLException(
                    "schema script failed [script=" + script + ", cause=" + e.getMessage() + "]", e.getSQLState(), e);
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * SQLite has no {@code ADD COLUMN IF NOT EXISTS}: a script's {@code ALTER TABLE t ADD COLUMN c ...} is skipped
     * when {@code t} has {@code c} already, so the script stays idempotent.
     */
    private static boolean addsExistingColumn(final Connection c, final String statement) throws SQLException {
        final Matcher m = ADD_COLUMN.matcher(statement);
        if (!m.matches()) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pragma_table_info(?) WHERE name = ?")) {
            ps.setString(1, m.group(1));
            ps.setString(2, m.group(2));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Map<String, String> applied(final Connection c) throws SQLException {
        final Map<String, String> applied = new HashMap<>();
        try (Statement s = c.createStatement()) {
            final boolean exists;
            try (ResultSet rs = c.getMetaData().getTables(null, null, "schema_version", null)) {
                exists = rs.next();
            }
            if (!exists) {
                return applied;
            }
            try (ResultSet rs = s.executeQuery("SELECT script, sha256 FROM schema_version")) {
                while (rs.next()) {
                    applied.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return applied;
    }

    static String digest(final String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
