package io.tickengine.edge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Requests the agent passes on whole, in order, beside the ticks: bars ({@code POST /ingest}) and symbol metadata
 * ({@code POST /symbols}), in the buffer's SQLite file.
 *
 * <p>Schema ({@link #SCHEMA}): {@code bodies} holds each accepted body under an id that is never reused, with the
 * engine path it goes to; {@code body_quarantine} those the engine refused, with its reason. A body is deleted once
 * the engine acknowledged it. Both kinds of request replace what the engine has (a bar replaces its bar, an entry its
 * symbol's entry), so a body sent again after a crash between the engine's answer and the delete changes nothing:
 * each reaches the engine's store exactly once in effect.
 *
 * <p>Thread-safe: one durable connection ({@code synchronous=FULL}), every method serialized on this object.
 */
public final class BodyQueue implements AutoCloseable {
    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS bodies (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                path         TEXT    NOT NULL,
                items        INTEGER NOT NULL,
                body         BLOB    NOT NULL,
                received_msc INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS body_quarantine (
                id              INTEGER PRIMARY KEY,
                path            TEXT    NOT NULL,
                body            BLOB    NOT NULL,
                received_msc    INTEGER NOT NULL,
                quarantined_msc INTEGER NOT NULL,
                reason          TEXT    NOT NULL
            );
            """;

    /** The path of bars, {@code POST /ingest}. */
    public static final String BARS_PATH = "/ingest";
    /** The path of symbol metadata, {@code POST /symbols}. */
    public static final String SYMBOLS_PATH = "/symbols";

    /** One stored request. */
    public record Body(long id, String path, int items, byte[] bytes) {}

    private final Connection connection;

    private BodyQueue(final Connection connection) {
        this.connection = connection;
    }

    /** Opens the queue in the buffer's file, creating its tables if new. */
    public static BodyQueue open(final TickStore store) throws SQLException {
        final Connection c = store.connect(true);
        try (Statement s = c.createStatement()) {
            TickStore.begin(s);
            for (final String ddl : SCHEMA.split(";")) {
                if (!ddl.isBlank()) {
                    s.execute(ddl);
                }
            }
            TickStore.commit(s);
        } catch (final SQLException e) {
            c.close();
            throw e;
        }
        return new BodyQueue(c);
    }

    /**
     * Stores a body; it is on disk when this returns.
     *
     * @param items bars or entries in it, for the counters.
     */
    public synchronized long append(final String path, final int items, final byte[] body, final long nowMsc)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO bodies (path, items, body, received_msc) VALUES (?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, path);
            insert.setInt(2, items);
            insert.setBytes(3, body);
            insert.setLong(4, nowMsc);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** @return the oldest body not yet acknowledged, or {@code null}. */
    public synchronized Body oldest() throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, path, items, body FROM bodies ORDER BY id LIMIT 1")) {
            return rs.next() ? new Body(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getBytes(4)) : null;
        }
    }

    /** Forgets a body the engine acknowledged. */
    public synchronized void delete(final long id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM bodies WHERE id = ?")) {
            delete.setLong(1, id);
            delete.executeUpdate();
        }
    }

    /** Moves a body the engine refused to the quarantine, with the reason, in one transaction. */
    public synchronized void quarantine(final long id, final String reason, final long nowMsc) throws SQLException {
        try (Statement control = connection.createStatement();
                PreparedStatement move = connection.prepareStatement(
                        "INSERT OR REPLACE INTO body_quarantine (id, path, body, received_msc, quarantined_msc, reason)"
                                + " SELECT id, path, body, received_msc, ?, ? FROM bodies WHERE id = ?");
                PreparedStatement delete = connection.prepareStatement("DELETE FROM bodies WHERE id = ?")) {
            TickStore.begin(control);
            try {
                move.setLong(1, nowMsc);
                move.setString(2, reason);
                move.setLong(3, id);
                move.executeUpdate();
                delete.setLong(1, id);
                delete.executeUpdate();
                TickStore.commit(control);
            } catch (final SQLException e) {
                TickStore.rollbackQuietly(control);
                throw e;
            }
        }
    }

    /** @return bodies waiting for the engine. */
    public synchronized long backlog() throws SQLException {
        return count("SELECT COUNT(*) FROM bodies");
    }

    /** @return bodies the engine refused. */
    public synchronized long quarantined() throws SQLException {
        return count("SELECT COUNT(*) FROM body_quarantine");
    }

    private long count(final String sql) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        connection.close();
    }
}
