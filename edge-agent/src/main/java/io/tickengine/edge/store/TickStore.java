package io.tickengine.edge.store;

import io.tickengine.core.tick.NameTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.sqlite.SQLiteConfig;

/**
 * The agent's durable buffer: one SQLite file, {@code edge-agent.db} in the data dir, in WAL mode.
 *
 * <p>Schema ({@link #SCHEMA}): {@code ticks} holds every accepted tick under its {@code seq}, the row id that the
 * forwarder sends as the tick's {@code seq}; {@code meta} holds the agent's stable id and the forwarded mark (every
 * tick with {@code seq <= forwarded_seq} has been acknowledged by the engine); {@code quarantine} holds ticks the
 * engine rejected, with the reason; {@code sender_seq} the highest {@code seq} stored per EA that sends
 * {@code source}/{@code seq}; {@code symbols} interns symbol names.
 *
 * <p>Exactly once: a tick's seq is never reused ({@code AUTOINCREMENT}, even after the newest rows are pruned), and
 * the agent id is created once with the file, so a new file is a new source to the engine and can never collide with
 * seqs the engine has seen.
 *
 * <p>Each component opens its own connection ({@link #connect(boolean)}): WAL lets the forwarder read while a request
 * commits. Thread-safe: the shared state is the two atomic marks.
 */
public final class TickStore {
    /** The database file in the data dir. */
    public static final String FILE_NAME = "edge-agent.db";

    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS meta (
                key   TEXT PRIMARY KEY,
                value TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS symbols (
                id   INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE
            );
            CREATE TABLE IF NOT EXISTS ticks (
                seq          INTEGER PRIMARY KEY AUTOINCREMENT,
                symbol_id    INTEGER NOT NULL,
                time_msc     INTEGER NOT NULL,
                bid          REAL    NOT NULL,
                ask          REAL    NOT NULL,
                last         REAL    NOT NULL,
                volume       INTEGER NOT NULL,
                volume_real  REAL    NOT NULL,
                flags        INTEGER NOT NULL,
                received_msc INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS quarantine (
                seq             INTEGER PRIMARY KEY,
                symbol          TEXT    NOT NULL,
                time_msc        INTEGER NOT NULL,
                bid             REAL    NOT NULL,
                ask             REAL    NOT NULL,
                last            REAL    NOT NULL,
                volume          INTEGER NOT NULL,
                volume_real     REAL    NOT NULL,
                flags           INTEGER NOT NULL,
                received_msc    INTEGER NOT NULL,
                quarantined_msc INTEGER NOT NULL,
                reason          TEXT    NOT NULL
            );
            CREATE TABLE IF NOT EXISTS sender_seq (
                source TEXT PRIMARY KEY,
                seq    INTEGER NOT NULL
            ) WITHOUT ROWID;
            """;

    static final String META_AGENT_ID = "agent_id";
    static final String META_FORWARDED_SEQ = "forwarded_seq";
    static final String META_LAST_SUCCESS_MSC = "last_success_msc";
    static final String META_LAST_ERROR = "last_error";
    static final String META_LAST_ERROR_MSC = "last_error_msc";
    private static final int BUSY_TIMEOUT_MS = 30_000;

    private final Path file;
    private final String agentId;
    /** The newest seq stored. */
    private final AtomicLong lastSeq = new AtomicLong();
    /** Every seq up to this one is acknowledged by the engine (or quarantined). */
    private final AtomicLong forwardedSeq = new AtomicLong();

    private TickStore(final Path file, final String agentId, final long lastSeq, final long forwardedSeq) {
        this.file = file;
        this.agentId = agentId;
        this.lastSeq.set(lastSeq);
        this.forwardedSeq.set(forwardedSeq);
    }

    /** Opens the buffer in {@code dataDir}, creating the directory, the file, the schema and the agent id if new. */
    public static TickStore open(final Path dataDir) throws SQLException, IOException {
        Files.createDirectories(dataDir);
        final Path file = dataDir.resolve(FILE_NAME);
        try (Connection c = connect(file, true)) {
            try (Statement s = c.createStatement()) {
                // WAL is a property of the file: set once, every later connection uses it.
                s.execute("PRAGMA journal_mode=WAL");
                begin(s);
                for (final String ddl : SCHEMA.split(";")) {
                    if (!ddl.isBlank()) {
                        s.execute(ddl);
                    }
                }
                commit(s);
            }
            final String agentId = createAgentIdOnce(c);
            return new TickStore(file, agentId, readLastSeq(c), readLong(c, META_FORWARDED_SEQ, 0));
        }
    }

    /**
     * Opens an existing buffer without creating anything, for {@code status} and {@code export}.
     *
     * @throws IllegalArgumentException if there is no buffer in {@code dataDir}.
     */
    public static TickStore openExisting(final Path dataDir) throws SQLException {
        final Path file = dataDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no edge agent buffer here [file=" + file.toAbsolutePath() + "]");
        }
        try (Connection c = connect(file, true)) {
            final String agentId = readString(c, META_AGENT_ID);
            if (agentId == null) {
                throw new IllegalArgumentException("not an edge agent buffer [file=" + file.toAbsolutePath() + "]");
            }
            return new TickStore(file, agentId, readLastSeq(c), readLong(c, META_FORWARDED_SEQ, 0));
        }
    }

    /**
     * Opens a connection to the buffer in auto-commit mode: a single statement is its own transaction, and a write
     * of several statements runs between {@link #begin(Statement)} and {@link #commit(Statement)}.
     *
     * @param durable {@code synchronous=FULL}: a commit is on disk when it returns, even across a power loss. Without
     *     it ({@code NORMAL}) a commit may be lost to a power cut (never to a process crash), so only writes that are
     *     safe to redo may use it.
     */
    public Connection connect(final boolean durable) throws SQLException {
        return connect(file, durable);
    }

    private static Connection connect(final Path file, final boolean durable) throws SQLException {
        final SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(durable ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /**
     * Begins a write transaction that holds the write lock from its start ({@code BEGIN IMMEDIATE}), so two writers
     * wait for each other (busy timeout) instead of failing on a lock upgrade.
     *
     * <p>Explicit statements, not {@code setAutoCommit(false)}: the driver would begin the next transaction at once
     * after each commit and so hold the write lock while the connection idles.
     */
    public static void begin(final Statement control) throws SQLException {
        control.execute("BEGIN IMMEDIATE");
    }

    /** Commits the transaction begun by {@link #begin(Statement)}. */
    public static void commit(final Statement control) throws SQLException {
        control.execute("COMMIT");
    }

    /** Rolls back after a failure, if a transaction is still open; never throws (the first failure is the story). */
    public static void rollbackQuietly(final Statement control) {
        try {
            control.execute("ROLLBACK");
        } catch (final SQLException e) {
            // No transaction left: SQLite already rolled it back with the error.
        }
    }

    /** @return the database file. */
    public Path file() {
        return file;
    }

    /** @return the agent's stable id: the {@code source} of every tick it forwards. */
    public String agentId() {
        return agentId;
    }

    /** @return the newest seq stored (as far as this process knows). */
    public long lastSeq() {
        return lastSeq.get();
    }

    /** @return the forwarded mark: every seq up to it is acknowledged by the engine or quarantined. */
    public long forwardedSeq() {
        return forwardedSeq.get();
    }

    /** @return ticks waiting to be forwarded. */
    public long backlog() {
        return Math.max(0, lastSeq.get() - forwardedSeq.get());
    }

    /** Raises the newest seq known, e.g. to one read from the file that another process stored (a repair). */
    public void advanceLastSeq(final long seq) {
        lastSeq.accumulateAndGet(seq, Math::max);
    }

    void advanceForwardedSeq(final long seq) {
        forwardedSeq.accumulateAndGet(seq, Math::max);
    }

    /** The agent id: {@code edge-} + this host's name (as far as it is a valid source name) + 8 random hex digits. */
    static String newAgentId() {
        String host = System.getenv("COMPUTERNAME");
        if (host == null || host.isBlank()) {
            host = System.getenv("HOSTNAME");
        }
        final StringBuilder id = new StringBuilder("edge-");
        if (host != null) {
            for (final char c : host.toLowerCase(Locale.ROOT).toCharArray()) {
                if (id.length() >= 17) {
                    break;
                }
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.') {
                    id.append(c);
                }
            }
            id.append('-');
        }
        final byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        id.append(HexFormat.of().formatHex(random));
        final String agentId = id.toString();
        if (!NameTable.isValid(agentId)) {
            throw new IllegalStateException("generated agent id is not a valid source [id=" + agentId + "]");
        }
        return agentId;
    }

    private static String createAgentIdOnce(final Connection c) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)")) {
            insert.setString(1, META_AGENT_ID);
            insert.setString(2, newAgentId());
            insert.executeUpdate();
        }
        return readString(c, META_AGENT_ID);
    }

    private static long readLastSeq(final Connection c) throws SQLException {
        // sqlite_sequence keeps the highest seq ever given, even when that row has been pruned.
        try (PreparedStatement s = c.prepareStatement("SELECT seq FROM sqlite_sequence WHERE name = 'ticks'");
                ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    static String readString(final Connection c, final String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static long readLong(final Connection c, final String key, final long absent) throws SQLException {
        final String value = readString(c, key);
        return value == null ? absent : Long.parseLong(value);
    }
}
