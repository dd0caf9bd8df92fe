package io.tickengine.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tickengine.core.store.sqlite.SqliteWriteLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where the engine's tables live: a PostgreSQL/TimescaleDB server behind a HikariCP pool, or the embedded SQLite
 * file. Stores and routes take connections from here; this class knows the dialect and nothing else.
 */
public final class Database implements AutoCloseable {
    /** The SQL dialects the schema exists in ({@code db/init/<dialect>}). */
    public enum Dialect {
        POSTGRESQL,
        SQLITE
    }

    private final Dialect dialect;
    private final HikariDataSource pool;
    private final Path sqliteFile;
    private final String description;
    private final String jdbcUrl;
    private final String user;
    private final SqliteWriteLock sqliteWriteLock = new SqliteWriteLock();

    private Database(
            final Dialect dialect,
            final HikariDataSource pool,
            final Path sqliteFile,
            final String description,
            final String jdbcUrl,
            final String user) {
        this.dialect = dialect;
        this.pool = pool;
        this.sqliteFile = sqliteFile;
        this.description = description;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
    }

    /**
     * A PostgreSQL pool. It starts even when the server is down (the writer retries; the journal keeps the ticks).
     *
     * @param connectTimeoutMs how long {@link #connect()} waits before it fails.
     * @param readOnly true for a pool of a read-only role (queries).
     */
    public static Database postgres(
            final String jdbcUrl,
            final String user,
            final String password,
            final int poolSize,
            final long connectTimeoutMs,
            final String connectionInitSql,
            final boolean readOnly) {
        final HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setPoolName(readOnly ? "tick-reader" : "tick-store");
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(Math.max(250, connectTimeoutMs));
        config.setValidationTimeout(Math.max(250, Math.min(connectTimeoutMs, 5000)));
        config.setInitializationFailTimeout(-1);
        config.setReadOnly(readOnly);
        if (connectionInitSql != null) {
            config.setConnectionInitSql(connectionInitSql);
        }
        config.addDataSourceProperty("ApplicationName", "tick-engine");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        return new Database(
                Dialect.POSTGRESQL, new HikariDataSource(config), null, "postgresql " + redact(jdbcUrl), jdbcUrl, user);
    }

    /** The embedded SQLite file; created with its parent directory if missing. */
    public static Database sqlite(final Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
        } catch (final java.io.IOException e) {
            throw new IllegalStateException("cannot create the data directory [dir=" + file.getParent() + "]", e);
        }
        return new Database(Dialect.SQLITE, null, file, "sqlite " + file, null, null);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** @return the SQLite file, or {@code null} for PostgreSQL. */
    public Path sqliteFile() {
        return sqliteFile;
    }

    /** @return the write turn the engine's SQLite writers share ({@link SqliteWriteLock}); unused for PostgreSQL. */
    public SqliteWriteLock sqliteWriteLock() {
        return sqliteWriteLock;
    }

    /**
     * @return a connection: from the pool (PostgreSQL), or a new one with a busy timeout (SQLite, whose single
     *     writer lock is shared by every connection to the file). Close it after use.
     */
    public Connection connect() throws SQLException {
        if (pool != null) {
            return pool.getConnection();
        }
        final Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqliteFile);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=5000");
            s.execute("PRAGMA foreign_keys=ON");
        }
        return c;
    }

    /**
     * Rolls back a failed transaction and drops its connection from the pool: a COPY runs on the unwrapped
     * connection, so the pool never sees its I/O errors, and a dead connection would be handed to every retry.
     */
    public void abandon(final Connection connection) {
        try {
            connection.rollback();
        } catch (final SQLException ignored) {
            // The connection is broken: dropped below.
        }
        evict(connection);
    }

    /** Drops a pooled connection that failed in a way the pool cannot see (e.g. during COPY). */
    public void evict(final Connection connection) {
        if (pool != null) {
            pool.evictConnection(connection);
        }
    }

    /**
     * @return why an operation on this database failed, in plain words ({@link DatabaseErrors}): the driver's reason,
     *     not the pool's timeout.
     */
    public String reason(final Throwable error) {
        return DatabaseErrors.describe(error, jdbcUrl, user);
    }

    /**
     * @param what what failed, e.g. {@code store write failed}.
     * @param keys more {@code , key=value} pairs to follow the store's, or empty.
     * @return {@code what [store=…keys, cause=REASON]}, with the {@link #reason} as its {@link StoreException#reason()}.
     */
    public StoreException failure(final String what, final String keys, final Throwable error) {
        final String reason = reason(error);
        return new StoreException(what + " [store=" + description + keys + ", cause=" + reason + "]", reason, error);
    }

    /** @return a description for logs, without credentials. */
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }

    /** Drops a password from a JDBC URL, for logs. */
    public static String redact(final String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
