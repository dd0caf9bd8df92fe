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
 *
 * <p>TimescaleDB installed after the tables were filled: {@code market_data} and {@code ticks} stay plain tables until
 * {@code tick-engine db init} converts them ({@link #conversions}, {@link #init}), an explicit step because it copies
 * every row under an exclusive lock. The engine's own start ({@link #migrate}) never converts a table that holds rows.
 */
public final class SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    private static final Pattern ADD_COLUMN =
            Pattern.compile("(?is)ALTER\\s+TABLE\\s+(\\w+)\\s+ADD\\s+COLUMN\\s+(\\w+)\\b.*");

    /** The tables that become hypertables with TimescaleDB, and the script that creates each of them. */
    private static final Map<String, String> HYPERTABLE_SCRIPTS = Map.of(
            "market_data", "db/init/postgresql/001_market_data.sql", "ticks", "db/init/postgresql/005_ticks.sql");

    /** The session setting that lets 001/005 convert a plain table holding rows (set by {@link #init} only). */
    private static final String CONVERT_SETTING = "SELECT set_config('tick_engine.convert_tables', 'on', true)";

    private static final String PLAIN_TABLES_SQL = "SELECT c.relname, c.reltuples::bigint FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY (?)"
            + " AND NOT EXISTS (SELECT 1 FROM timescaledb_information.hypertables h"
            + " WHERE h.hypertable_schema = n.nspname AND h.hypertable_name = c.relname) ORDER BY c.relname";

    /** A plain table that {@code db init} will make a hypertable, with the planner's estimate of its rows. */
    public record Conversion(String table, long estimatedRows) {
        @Override
        public String toString() {
            return "convert " + table + " to a hypertable";
        }
    }

    private SchemaMigrator() {}

    /**
     * @return the tables that are plain although TimescaleDB is installed in the database (none on plain PostgreSQL
     *     and SQLite); {@link #init} converts them.
     */
    public static List<Conversion> conversions(final Database database) throws SQLException {
        if (database.dialect() != Database.Dialect.POSTGRESQL) {
            return List.of();
        }
        final List<Conversion> conversions = new java.util.ArrayList<>();
        try (Connection c = database.connect()) {
            final boolean extension;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")) {
                extension = rs.next();
            }
            if (!extension) {
                return conversions;
            }
            try (PreparedStatement ps = c.prepareStatement(PLAIN_TABLES_SQL)) {
                ps.setArray(
                        1, c.createArrayOf("text", HYPERTABLE_SCRIPTS.keySet().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        conversions.add(new Conversion(rs.getString(1), Math.max(0, rs.getLong(2))));
                    }
                }
            }
        }
        return conversions;
    }

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
     * Applies the dialect's pending scripts (what the engine does at start). Never converts a plain table that
     * holds rows into a hypertable: that is {@link #init}'s.
     *
     * @return the scripts applied.
     */
    public static List<String> migrate(final Database database) throws SQLException {
        return apply(database, pending(database), false);
    }

    /**
     * What {@code tick-engine db init} does: the pending scripts, then (TimescaleDB) the conversion of plain
     * {@code market_data}/{@code ticks} into hypertables, then (PostgreSQL) the roles and grants, always.
     *
     * @param progress told what happens, one line per step (a conversion can take long).
     * @return the scripts applied.
     */
    public static List<String> init(final Database database, final java.util.function.Consumer<String> progress)
            throws SQLException {
        final List<String> applied = new java.util.ArrayList<>(apply(database, pending(database), false));
        for (final Conversion conversion : conversions(database)) {
            progress.accept("converting " + conversion.table() + " to a hypertable [estimatedRows="
                    + conversion.estimatedRows() + "]");
            final long startNs = System.nanoTime();
            apply(database, List.of(HYPERTABLE_SCRIPTS.get(conversion.table())), true);
            progress.accept(
                    "converted " + conversion.table() + " [ms=" + (System.nanoTime() - startNs) / 1_000_000 + "]");
        }
        if (database.dialect() == Database.Dialect.POSTGRESQL) {
            applied.addAll(apply(database, SchemaScripts.POSTGRESQL_ROLES, false));
        }
        return applied;
    }

    /** {@link #init} without progress lines. */
    public static List<String> init(final Database database) throws SQLException {
        return init(database, line -> {});
    }

    private static List<String> apply(final Database database, final List<String> pending, final boolean convert)
            throws SQLException {
        if (pending.isEmpty()) {
            return pending;
        }
        try (Connection c = database.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (script TEXT PRIMARY KEY, sha256 TEXT NOT NULL, "
                        + "applied_at TEXT NOT NULL)");
            }
            for (final String script : pending) {
                apply(database, c, script, convert);
            }
        }
        return pending;
    }

    private static void apply(final Database database, final Connection c, final String script, final boolean convert)
            throws SQLException {
        final String text = SchemaScripts.read(script);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            if (database.dialect() == Database.Dialect.POSTGRESQL) {
                if (convert) {
                    // Local to this transaction: a pooled connection never keeps it.
                    s.execute(CONVERT_SETTING);
                }
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
