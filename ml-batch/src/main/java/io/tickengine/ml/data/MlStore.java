package io.tickengine.ml.data;

import io.tickengine.core.store.Database;
import io.tickengine.ml.MlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;

/**
 * The engine's store as the ML jobs see it: the SQLite file of a data directory, or a PostgreSQL URL. The jobs run
 * beside a live engine, so they open only the database: never the journal, never the data directory's lock. SQLite
 * runs in WAL mode, where a reader does not block the engine's writer; read-only jobs also set
 * {@code PRAGMA query_only}, so they cannot take the write lock even by mistake.
 */
public final class MlStore implements AutoCloseable {
    /** The engine's SQLite file inside its data directory ({@code Stores.openDatabase}). */
    public static final String SQLITE_FILE = "tick-engine.db";

    private final Database database;
    private final boolean readOnly;

    private MlStore(final Database database, final boolean readOnly) {
        this.database = database;
        this.readOnly = readOnly;
    }

    /** Opens the SQLite store of an engine data directory; it must exist (an ML job never creates a store). */
    public static MlStore sqlite(final Path dataDir, final boolean readOnly) {
        final Path file = dataDir.resolve(SQLITE_FILE);
        if (!Files.isRegularFile(file)) {
            throw new MlException("no engine store in the data directory [dataDir=" + dataDir + ", file=" + file + "]");
        }
        return new MlStore(Database.sqlite(file), readOnly);
    }

    /**
     * Opens a store by JDBC URL: {@code jdbc:postgresql://…} (credentials in the URL or given here; the engine's
     * least-privilege roles are enough: {@code tick_reader} to read, {@code mt5_app} to predict) or
     * {@code jdbc:sqlite:FILE}.
     */
    public static MlStore url(final String jdbcUrl, final String user, final String password, final boolean readOnly) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            final Path file = Path.of(jdbcUrl.substring("jdbc:sqlite:".length()));
            if (!Files.isRegularFile(file)) {
                throw new MlException("no such SQLite store [file=" + file + "]");
            }
            return new MlStore(Database.sqlite(file), readOnly);
        }
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new MlException("unsupported database URL [url=" + Database.redact(jdbcUrl)
                    + ", expected=jdbc:postgresql://host:port/db or jdbc:sqlite:FILE]");
        }
        return new MlStore(Database.postgres(jdbcUrl, user, password, 2, 2_000, null, readOnly), readOnly);
    }

    /**
     * Opens, for reading beside a running engine, the store its configuration names: its SQLite file, or its
     * PostgreSQL database as the reader role ({@code db.reader.user}) when one is configured, else as its own user.
     */
    public static MlStore forEngine(final io.tickengine.core.EngineContext context) {
        final String url = context.dbUrl();
        if (url == null || url.startsWith("jdbc:sqlite:")) {
            return new MlStore(io.tickengine.core.store.Stores.openDatabase(context), true);
        }
        final boolean reader = context.dbReaderUser() != null;
        return new MlStore(
                Database.postgres(
                        url,
                        reader ? context.dbReaderUser() : context.dbUser(),
                        reader ? context.dbReaderPassword() : context.dbPassword(),
                        2,
                        context.dbConnectTimeoutMs(),
                        null,
                        true),
                true);
    }

    /** @return the database, e.g. for the engine's {@code SignalStore}. */
    public Database database() {
        return database;
    }

    public boolean postgres() {
        return database.dialect() == Database.Dialect.POSTGRESQL;
    }

    /** @return a connection; for a read-only store one that cannot write. Close it after use. */
    public Connection connect() throws SQLException {
        final Connection c = database.connect();
        if (readOnly && !postgres()) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA query_only=ON");
            }
        }
        return c;
    }

    /** Binds an epoch-millisecond time the way the dialect stores it (timestamptz or INTEGER). */
    public void setTime(final PreparedStatement ps, final int index, final long timeMsc) throws SQLException {
        if (postgres()) {
            ps.setTimestamp(index, new Timestamp(timeMsc));
        } else {
            ps.setLong(index, timeMsc);
        }
    }

    public String describe() {
        return database.describe();
    }

    @Override
    public void close() {
        database.close();
    }
}
